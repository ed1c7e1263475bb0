/**
 * DynamoDB step-up stores, all in the `stepup` table (pk `pk`, TTL attribute `expiresAt`). Item kinds by pk prefix:
 * `chal#<challengeId>`, `cred#<tenant>#<subject>` (one item per user, a map of passkeys) and `grant#<sha256(token)>`.
 *
 * Single use and counters rely on conditional writes only (no transactions), so the same code runs on dynalite.
 * dynalite never deletes expired items, and DynamoDB deletes them up to days late: readers always check `expiresAt`.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { CeremonyError, StepUpStoreError } from './errors.js';
import type {
  CeremonyKind,
  ChallengeRecord,
  ChallengeStore,
  CredentialRecord,
  CredentialStore,
  GrantRecord,
  GrantStore,
  StepUpCaller,
  StepUpStores,
} from './types.js';

export interface DynamoDbStepUpOptions {
  client: DynamoDBClient;
  tableName: string;
}

const s = (v: string): AttributeValue => ({ S: v });
const n = (v: number): AttributeValue => ({ N: String(v) });
const list = (v: string[]): AttributeValue => ({ L: v.map(s) });
const strings = (v: AttributeValue | undefined): string[] => (v?.L ?? []).map((x) => x.S ?? '');
const userKey = (tenant: string, subject: string) =>
  `cred#${encodeURIComponent(tenant)}#${encodeURIComponent(subject)}`;

function isConditionFailure(err: unknown): boolean {
  return (
    err instanceof ConditionalCheckFailedException ||
    (err as { name?: string }).name === 'ConditionalCheckFailedException'
  );
}

/** Writes an item that must not exist yet (a challenge or grant id is never reused). */
async function putNew(o: DynamoDbStepUpOptions, item: Record<string, AttributeValue>): Promise<void> {
  await o.client.send(
    new PutItemCommand({ TableName: o.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
  );
}

class DynamoDbChallengeStore implements ChallengeStore {
  constructor(private readonly o: DynamoDbStepUpOptions) {}

  async put(r: ChallengeRecord): Promise<void> {
    await putNew(this.o, {
      pk: s(`chal#${r.challengeId}`),
      kind: s(r.kind),
      challenge: s(r.challenge),
      tenant: s(r.tenant),
      subject: s(r.subject),
      sessionId: s(r.sessionId),
      scopes: list(r.scopes),
      expiresAt: n(r.expiresAt),
    });
  }

  async take(challengeId: string, caller: StepUpCaller, kind: CeremonyKind): Promise<ChallengeRecord> {
    const key = { pk: s(`chal#${challengeId}`) };
    try {
      // The delete is the single use: of two concurrent verifications only one gets the old item back.
      const out = await this.o.client.send(
        new DeleteItemCommand({
          TableName: this.o.tableName,
          Key: key,
          ConditionExpression:
            'attribute_exists(pk) AND #kind = :kind AND tenant = :tenant AND subject = :subject AND sessionId = :sid',
          ExpressionAttributeNames: { '#kind': 'kind' },
          ExpressionAttributeValues: {
            ':kind': s(kind),
            ':tenant': s(caller.tenant),
            ':subject': s(caller.subject),
            ':sid': s(caller.sessionId),
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const i = out.Attributes ?? {};
      return {
        challengeId,
        kind: i.kind?.S as CeremonyKind,
        challenge: i.challenge?.S ?? '',
        tenant: i.tenant?.S ?? '',
        subject: i.subject?.S ?? '',
        sessionId: i.sessionId?.S ?? '',
        scopes: strings(i.scopes),
        expiresAt: Number(i.expiresAt?.N ?? 0),
      };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const found = await this.o.client.send(
        new GetItemCommand({ TableName: this.o.tableName, Key: key, ConsistentRead: true }),
      );
      if (!found.Item) throw new CeremonyError('CHALLENGE_NOT_FOUND', 'the challenge is unknown or was already used');
      throw new CeremonyError('CHALLENGE_BINDING_MISMATCH', 'the challenge belongs to another session or ceremony');
    }
  }
}

class DynamoDbCredentialStore implements CredentialStore {
  constructor(private readonly o: DynamoDbStepUpOptions) {}

  async list(tenant: string, subject: string): Promise<CredentialRecord[]> {
    const out = await this.o.client.send(
      new GetItemCommand({
        TableName: this.o.tableName,
        Key: { pk: s(userKey(tenant, subject)) },
        ConsistentRead: true,
      }),
    );
    return Object.entries(out.Item?.creds?.M ?? {}).map(([credentialId, v]) => ({
      credentialId,
      publicKey: new Uint8Array(v.M?.publicKey?.B ?? new Uint8Array()),
      counter: Number(v.M?.counter?.N ?? 0),
      transports: strings(v.M?.transports),
      createdAt: v.M?.createdAt?.S ?? '',
    }));
  }

  async add(tenant: string, subject: string, c: CredentialRecord): Promise<void> {
    const Key = { pk: s(userKey(tenant, subject)) };
    // A nested SET needs the parent map to exist; creating it first keeps the second write a plain conditional one.
    await this.o.client.send(
      new UpdateItemCommand({
        TableName: this.o.tableName,
        Key,
        UpdateExpression: 'SET creds = if_not_exists(creds, :empty)',
        ExpressionAttributeValues: { ':empty': { M: {} } },
      }),
    );
    try {
      await this.o.client.send(
        new UpdateItemCommand({
          TableName: this.o.tableName,
          Key,
          UpdateExpression: 'SET creds.#id = :cred',
          ConditionExpression: 'attribute_not_exists(creds.#id)',
          ExpressionAttributeNames: { '#id': c.credentialId },
          ExpressionAttributeValues: {
            ':cred': {
              M: {
                publicKey: { B: c.publicKey },
                counter: n(c.counter),
                transports: list(c.transports),
                createdAt: s(c.createdAt),
              },
            },
          },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      throw new StepUpStoreError('CREDENTIAL_EXISTS', 'this passkey is already registered');
    }
  }

  async advanceCounter(tenant: string, subject: string, credentialId: string, next: number): Promise<void> {
    try {
      await this.o.client.send(
        new UpdateItemCommand({
          TableName: this.o.tableName,
          Key: { pk: s(userKey(tenant, subject)) },
          UpdateExpression: 'SET creds.#id.#counter = :next',
          // Counting authenticators must move forward; a never-counting one (0) may stay at 0.
          ConditionExpression:
            next === 0
              ? 'attribute_exists(creds.#id) AND creds.#id.#counter = :next'
              : 'attribute_exists(creds.#id) AND creds.#id.#counter < :next',
          ExpressionAttributeNames: { '#id': credentialId, '#counter': 'counter' },
          ExpressionAttributeValues: { ':next': n(next) },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const known = (await this.list(tenant, subject)).find((c) => c.credentialId === credentialId);
      if (!known) throw new CeremonyError('CREDENTIAL_NOT_REGISTERED', 'the passkey is not registered to this user');
      throw new CeremonyError('COUNTER_REGRESSION', `signature counter ${next} is not above ${known.counter}`);
    }
  }
}

class DynamoDbGrantStore implements GrantStore {
  constructor(private readonly o: DynamoDbStepUpOptions) {}

  async put(g: GrantRecord): Promise<void> {
    await putNew(this.o, {
      pk: s(`grant#${g.grantRef}`),
      tenant: s(g.tenant),
      subject: s(g.subject),
      sessionId: s(g.sessionId),
      credentialId: s(g.credentialId),
      challengeId: s(g.challengeId),
      scopes: list(g.scopes),
      expiresAt: n(g.expiresAt),
    });
  }

  async get(grantRef: string): Promise<GrantRecord | undefined> {
    const out = await this.o.client.send(
      new GetItemCommand({ TableName: this.o.tableName, Key: { pk: s(`grant#${grantRef}`) }, ConsistentRead: true }),
    );
    const i = out.Item;
    if (!i) return undefined;
    return {
      grantRef,
      tenant: i.tenant?.S ?? '',
      subject: i.subject?.S ?? '',
      sessionId: i.sessionId?.S ?? '',
      credentialId: i.credentialId?.S ?? '',
      challengeId: i.challengeId?.S ?? '',
      scopes: strings(i.scopes),
      expiresAt: Number(i.expiresAt?.N ?? 0),
    };
  }
}

/** The three stores on one DynamoDB table (`tableName('<stage>', tables.stepUp)`). */
export function dynamoDbStepUpStores(options: DynamoDbStepUpOptions): StepUpStores {
  return {
    challenges: new DynamoDbChallengeStore(options),
    credentials: new DynamoDbCredentialStore(options),
    grants: new DynamoDbGrantStore(options),
  };
}

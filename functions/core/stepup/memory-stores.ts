/** In-memory step-up stores for unit tests of logic; integration tests use the DynamoDB adapter on dynalite. */
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

class MemoryChallengeStore implements ChallengeStore {
  readonly #items = new Map<string, ChallengeRecord>();

  async put(record: ChallengeRecord): Promise<void> {
    this.#items.set(record.challengeId, structuredClone(record));
  }

  async take(challengeId: string, caller: StepUpCaller, kind: CeremonyKind): Promise<ChallengeRecord> {
    const found = this.#items.get(challengeId);
    if (!found) throw new CeremonyError('CHALLENGE_NOT_FOUND', 'the challenge is unknown or was already used');
    if (
      found.kind !== kind ||
      found.tenant !== caller.tenant ||
      found.subject !== caller.subject ||
      found.sessionId !== caller.sessionId
    ) {
      throw new CeremonyError('CHALLENGE_BINDING_MISMATCH', 'the challenge belongs to another session or ceremony');
    }
    this.#items.delete(challengeId);
    return found;
  }
}

class MemoryCredentialStore implements CredentialStore {
  readonly #items = new Map<string, CredentialRecord[]>();

  async list(tenant: string, subject: string): Promise<CredentialRecord[]> {
    return structuredClone(this.#items.get(`${tenant}\n${subject}`) ?? []);
  }

  async add(tenant: string, subject: string, credential: CredentialRecord): Promise<void> {
    const key = `${tenant}\n${subject}`;
    const list = this.#items.get(key) ?? [];
    if (list.some((c) => c.credentialId === credential.credentialId)) {
      throw new StepUpStoreError('CREDENTIAL_EXISTS', 'this passkey is already registered');
    }
    this.#items.set(key, [...list, structuredClone(credential)]);
  }

  async advanceCounter(tenant: string, subject: string, credentialId: string, next: number): Promise<void> {
    const c = this.#items.get(`${tenant}\n${subject}`)?.find((x) => x.credentialId === credentialId);
    if (!c) throw new CeremonyError('CREDENTIAL_NOT_REGISTERED', 'the passkey is not registered to this user');
    if (!(next > c.counter || (next === 0 && c.counter === 0))) {
      throw new CeremonyError('COUNTER_REGRESSION', `signature counter ${next} is not above ${c.counter}`);
    }
    c.counter = next;
  }
}

class MemoryGrantStore implements GrantStore {
  readonly #items = new Map<string, GrantRecord>();

  async put(record: GrantRecord): Promise<void> {
    this.#items.set(record.grantRef, structuredClone(record));
  }

  async get(grantRef: string): Promise<GrantRecord | undefined> {
    const found = this.#items.get(grantRef);
    return found ? structuredClone(found) : undefined;
  }
}

/** Fresh in-memory stores. */
export function memoryStepUpStores(): StepUpStores {
  return {
    challenges: new MemoryChallengeStore(),
    credentials: new MemoryCredentialStore(),
    grants: new MemoryGrantStore(),
  };
}

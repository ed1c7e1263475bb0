/**
 * The page's GraphQL client: registered (persisted) operations only, sent to the edge by persisted id with the
 * reviewer's bearer token, typed from the schema by the generated document nodes. A 401 STEP_UP_REQUIRED becomes a
 * StepUpRequired error carrying where to step up; every other error keeps its stable code.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

export interface StepUpChallenge {
  operation: string;
  scopes: string[];
  optionsUrl: string;
  registerUrl: string;
  maxAgeS: number;
}

/** An error the edge or origin answered, by its stable code. */
export class EdgeError extends Error {
  override name = 'EdgeError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The call needs a passkey step-up first; `challenge` says for which scopes and where. */
export class StepUpRequired extends EdgeError {
  override name = 'StepUpRequired';
  constructor(
    readonly challenge: StepUpChallenge,
    message: string,
  ) {
    super('STEP_UP_REQUIRED', message, 401);
  }
}

const grantHeader = 'x-gg-step-up-grant';

function operationName(doc: TypedDocumentNode<unknown, unknown>): string {
  for (const d of doc.definitions) if (d.kind === 'OperationDefinition' && d.name) return d.name.value;
  throw new Error('document has no named operation');
}

/** The JSON body naming a registered operation by its persisted id (refused here when it is not registered). */
export function persistedBody<R, V>(doc: TypedDocumentNode<R, V>, variables: V): string {
  const name = operationName(doc as TypedDocumentNode<unknown, unknown>);
  const id = __GG_OPERATION_IDS__[name];
  if (!id) throw new EdgeError('PERSISTED_QUERY_NOT_IN_LIST', `${name} is not a registered operation`, 400);
  return JSON.stringify({
    operationName: name,
    variables,
    extensions: { persistedQuery: { version: 1, sha256Hash: id } },
  });
}

export interface EdgeClient {
  request<R, V>(doc: TypedDocumentNode<R, V>, variables: V, grant?: string): Promise<R>;
}

/** A client of the edge at `endpoint` (same origin: `/graphql`) with the token `token()` returns. */
export function edgeClient(token: () => string, endpoint = '/graphql'): EdgeClient {
  return {
    async request<R, V>(doc: TypedDocumentNode<R, V>, variables: V, grant?: string): Promise<R> {
      const body = persistedBody(doc, variables);
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token()}`,
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(grant ? { [grantHeader]: grant } : {}),
        },
        body,
      });
      const json = (await res.json().catch(() => ({}))) as {
        data?: R;
        errors?: { message: string; extensions?: { code?: string; stepUp?: StepUpChallenge } }[];
        code?: string;
        message?: string;
      };
      const first = json.errors?.[0];
      if (first?.extensions?.code === 'STEP_UP_REQUIRED' && first.extensions.stepUp) {
        throw new StepUpRequired(first.extensions.stepUp, first.message);
      }
      if (first || !json.data) {
        const code = first?.extensions?.code ?? json.code ?? `HTTP_${res.status}`;
        throw new EdgeError(code, first?.message ?? json.message ?? res.statusText, res.status);
      }
      return json.data;
    },
  };
}

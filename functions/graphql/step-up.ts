/**
 * Step-up enforcement in the origin (an envelop plugin): an operation that touches an `@sensitive` field runs only
 * with a valid step-up grant bound to the caller's session and carrying the field's scope. The one bypass is the
 * policy exemption (`graphgate/stepup/decision`), and every sensitive call — allowed, exempted, refused or run with
 * enforcement off — is written to the audit ledger.
 */
import { type DocumentNode, type GraphQLSchema, Kind, type SelectionSetNode, valueFromASTUntyped } from 'graphql';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import type { AuditLedger } from '../core/audit/index.js';
import type { PolicyEngine } from '../core/policy/index.js';
import { appendStepUpAudit, type GrantChecker, StepUpError } from '../core/stepup/index.js';
import type { OriginContext } from './context.js';
import { stepUpRequiredError } from './errors.js';

/** Header carrying the grant (forwarded by the edge from the client). */
export const stepUpGrantHeader = 'x-gg-step-up-grant';

export interface StepUpGuardOptions {
  checkGrant: GrantChecker;
  ledger: AuditLedger;
  /** Feature flag: is enforcement on for this tenant (per stage and tenant, from config)? */
  enforced: (tenant: string) => boolean;
  /** Public URL of the authentication-options route (the 401 tells clients where to go). */
  optionsUrl: string;
  registerUrl: string;
  /** Grant lifetime, sent as RFC 9470 `max_age`. */
  maxAgeS: number;
  /** @default 'urn:graphgate:acr:webauthn-step-up' */
  acrValues?: string;
}

/** Scopes of the `@sensitive` root fields an operation selects (fragments followed), from the schema itself. */
export function sensitiveScopes(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
): string[] {
  const ops = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
  if (!op) return [];
  const root = schema.getRootType(op.operation);
  if (!root) return [];
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const scopes = new Set<string>();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const field = root.getFields()[sel.name.value];
        const directive = field?.astNode?.directives?.find((d) => d.name.value === 'sensitive');
        const scope = directive?.arguments?.find((a) => a.name.value === 'scope');
        if (directive) scopes.add(scope ? String(valueFromASTUntyped(scope.value)) : `mutate:${sel.name.value}`);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet);
      } else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const frag = fragments.get(sel.name.value);
        if (frag) walk(frag.selectionSet);
      }
    }
  };
  walk(op.selectionSet);
  return [...scopes].sort();
}

/** The policy's caller shape: only edge-key holders can assert a service caller (the edge never forwards `kind`). */
function policyCaller(attributes: Record<string, unknown>) {
  return attributes.kind === 'service'
    ? { kind: 'service', service: typeof attributes.service === 'string' ? attributes.service : null }
    : { kind: 'human' };
}

/** The yoga plugin. Register it after the persisted-operations plugin (it reads the manifest entry from context). */
export function useStepUp(options: StepUpGuardOptions & { policy: PolicyEngine }): Plugin<OriginContext> {
  const acrValues = options.acrValues ?? 'urn:graphgate:acr:webauthn-step-up';
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue as OriginContext & YogaInitialContext;
      const fromManifest = ctx.operation?.sensitive ? ctx.operation.stepUpScopes : [];
      // The schema is checked too, so an arbitrary document (local stage) cannot slip a sensitive field past the gate.
      const scopes = [
        ...new Set([...fromManifest, ...sensitiveScopes(args.schema, args.document, args.operationName)]),
      ];
      if (scopes.length === 0 && !ctx.operation?.sensitive) return;
      const operation = ctx.operation?.name ?? args.operationName ?? 'anonymous';
      const base = {
        tenant: ctx.tenant,
        subject: ctx.subject,
        sessionId: ctx.claims.sessionId ?? null,
        operation,
        scopes: scopes.sort(),
      };
      if (!options.enforced(ctx.tenant)) {
        await appendStepUpAudit(options.ledger, 'stepup.sensitive-call', { ...base, outcome: 'not-enforced' });
        return;
      }
      const decision = options.policy.evaluate('graphgate/stepup/decision', {
        caller: policyCaller(ctx.claims.attributes),
        request: { operation: { name: operation, sensitive: true } },
      });
      if (decision.allow && decision.exemption) {
        await appendStepUpAudit(options.ledger, 'stepup.sensitive-call', {
          ...base,
          outcome: 'exempted',
          reason: decision.exemption,
          decisionId: decision.decision_id,
        });
        return;
      }
      try {
        const grant = await options.checkGrant(ctx.claims, ctx.request.headers.get(stepUpGrantHeader), scopes);
        await appendStepUpAudit(options.ledger, 'stepup.sensitive-call', {
          ...base,
          outcome: 'ok',
          challengeId: grant.challengeId,
          credentialId: grant.credentialId,
          grantRef: grant.grantRef,
        });
      } catch (err) {
        if (!(err instanceof StepUpError)) throw err;
        const c = err.context as { challengeId?: string; credentialId?: string; grantRef?: string };
        await appendStepUpAudit(options.ledger, 'stepup.sensitive-call', {
          ...base,
          outcome: 'denied',
          reason: err.code,
          challengeId: c.challengeId ?? null,
          credentialId: c.credentialId ?? null,
          grantRef: c.grantRef ?? null,
        });
        setResultAndStopExecution({
          errors: [
            stepUpRequiredError(`${operation} needs a fresh passkey step-up: ${err.message}`, {
              operation,
              scopes,
              reason: err.code,
              optionsUrl: options.optionsUrl,
              registerUrl: options.registerUrl,
              acrValues,
              maxAgeS: options.maxAgeS,
            }),
          ],
        });
      }
    },
  };
}

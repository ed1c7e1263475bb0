/**
 * Step-up enforcement in the origin (an envelop plugin): an operation that touches an `@sensitive` field runs only
 * when core/stepup's gate lets it (a valid grant bound to the caller's session and carrying the field's scope, or a
 * policy exemption); a refusal becomes the STEP_UP_REQUIRED GraphQL error telling the client where to step up.
 */
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import type { PolicyEngine } from '../../core/policy/index.js';
import {
  gateSensitiveCall,
  type SensitiveCallGate,
  StepUpError,
  sensitiveScopes,
  stepUpGrantHeader,
} from '../../core/stepup/index.js';
import type { OriginContext } from '../context.js';
import { stepUpRequiredError } from '../errors.js';

export interface StepUpGuardOptions extends Omit<SensitiveCallGate, 'policy'> {
  /** Public URL of the authentication-options route (the 401 tells clients where to go). */
  optionsUrl: string;
  registerUrl: string;
  /** Grant lifetime, sent as RFC 9470 `max_age`. */
  maxAgeS: number;
  /** @default 'urn:graphgate:acr:webauthn-step-up' */
  acrValues?: string;
}

/** The yoga plugin. Register it after the persisted-operations plugin (it reads the manifest entry from context). */
export function useStepUp(options: StepUpGuardOptions & { policy: PolicyEngine }): Plugin<OriginContext> {
  const acrValues = options.acrValues ?? 'urn:graphgate:acr:webauthn-step-up';
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue as OriginContext & YogaInitialContext;
      const fromManifest = ctx.operation?.sensitive ? ctx.operation.stepUpScopes : [];
      // The schema is checked too, so an arbitrary document (local stage) cannot slip a sensitive field past the gate;
      // it also decides the fields sensitive only for some argument values (decideReviews: ACCEPT merges).
      const fromSchema = sensitiveScopes(args.schema, args.document, args.operationName, args.variableValues ?? {});
      const scopes = [...new Set([...fromManifest, ...fromSchema])].sort();
      if (scopes.length === 0) return;
      const operation = ctx.operation?.name ?? args.operationName ?? 'anonymous';
      try {
        const allowed = await gateSensitiveCall(options, {
          caller: ctx.claims,
          operation,
          scopes,
          grantToken: ctx.request.headers.get(stepUpGrantHeader),
        });
        // Resolvers that audit what they changed name the ceremony that allowed it (review decisions do).
        ctx.stepUpChallengeId = allowed.challengeId;
      } catch (err) {
        if (!(err instanceof StepUpError)) throw err;
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

/**
 * Compiled execution (graphql-jit) for the large graph reads. A 2-hop neighbourhood completes thousands of fields, and
 * graphql-js's generic executor spent more of the origin's CPU on them than any other part of the request (issue 18;
 * `load/profile-graph-origin.ts`). graphql-jit is not a drop-in, so it runs only where it behaves the same:
 * - persisted read operations on an allow-list, whose results are plain data from the repository (graphql-jit does
 *   not await a promise held in a field that has no resolver);
 * - variables graphql-js accepts, every defaulted one given: graphql-jit 0.8 refuses an omitted `$limit: Int! = 50`
 *   and words bad variables its own way. Anything else runs on graphql-js, with its errors and codes.
 */
import { useGraphQlJit } from '@envelop/graphql-jit';
import { getOperationAST, getVariableValues } from 'graphql';
import type { OriginContext } from './context.js';

/** The persisted operations that run compiled. */
export const compiledOperations: ReadonlySet<string> = new Set(['Neighbors', 'Path', 'Search', 'GetEntity']);

/** The yoga plugin; one compilation per document, cached by graphql-jit's plugin. */
export function useCompiledReads(operations: ReadonlySet<string> = compiledOperations) {
  return useGraphQlJit(
    {},
    {
      enableIf: ({ schema, document, operationName, variableValues, contextValue }) => {
        const persisted = (contextValue as Partial<OriginContext> | undefined)?.operation;
        if (persisted?.kind !== 'read' || !operations.has(persisted.name)) return false;
        const op = getOperationAST(document, operationName ?? undefined);
        if (op?.operation !== 'query') return false;
        const defs = op.variableDefinitions ?? [];
        const given = variableValues ?? {};
        if (defs.some((d) => d.defaultValue && !Object.hasOwn(given, d.variable.name.value))) return false;
        return !('errors' in getVariableValues(schema, defs, given));
      },
    },
  );
}

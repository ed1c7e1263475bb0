/** Which step-up scopes an operation needs, read from the `@sensitive` directives of the schema itself. */
import { type DocumentNode, type GraphQLSchema, Kind, type SelectionSetNode, valueFromASTUntyped } from 'graphql';

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

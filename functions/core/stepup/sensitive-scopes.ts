/** Which step-up scopes an operation needs, read from the `@sensitive` directives of the schema itself. */
import {
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  valueFromASTUntyped,
} from 'graphql';

/** The call's variables over the operation's declared defaults; null when the caller gave none (unknown). */
function defaults(op: OperationDefinitionNode, variables: Record<string, unknown> | null | undefined) {
  if (!variables) return null;
  const out: Record<string, unknown> = {};
  for (const v of op.variableDefinitions ?? []) {
    if (v.defaultValue) out[v.variable.name.value] = valueFromASTUntyped(v.defaultValue);
  }
  return { ...out, ...variables };
}

/** Whether a `@sensitive` directive applies to this call of its field. */
function applies(directive: ConstDirectiveNode, field: FieldNode, variables: Record<string, unknown> | null): boolean {
  const arg = (name: string) => directive.arguments?.find((a) => a.name.value === name);
  const whenArgument = arg('whenArgument');
  if (!whenArgument) return true;
  const name = String(valueFromASTUntyped(whenArgument.value));
  const values = new Set(
    (valueFromASTUntyped(arg('whenValues')?.value ?? { kind: Kind.LIST, values: [] }) as unknown[]).map(String),
  );
  const given = field.arguments?.find((a) => a.name.value === name);
  if (!given) return true;
  if (given.value.kind === Kind.VARIABLE && !variables) return true;
  const value = valueFromASTUntyped(given.value, variables ?? undefined);
  return (Array.isArray(value) ? value : [value]).some((v) => values.has(String(v)));
}

/**
 * Scopes of the `@sensitive` root fields an operation selects (fragments followed), from the schema itself. A field
 * sensitive only `whenArgument` has one of `whenValues` counts when the call's argument (literal, or `variables` with
 * the operation's defaults) has one of them — or when it cannot be told (no variables given): never less strict.
 */
export function sensitiveScopes(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
  variables?: Record<string, unknown> | null,
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
        if (directive && applies(directive, sel, defaults(op, variables)))
          scopes.add(scope ? String(valueFromASTUntyped(scope.value)) : `mutate:${sel.name.value}`);
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

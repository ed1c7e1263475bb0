import { type ASTVisitor, GraphQLError, Kind, type ValidationContext } from 'graphql';

/** Limits that only matter when arbitrary documents are allowed (local stage); persisted ones are reviewed code. */
export const documentLimits = { maxDepth: 8, maxAliases: 15, maxFields: 200 } as const;

/** Rejects documents deeper than maxDepth, with more aliases than maxAliases, or more fields than maxFields. */
export function documentLimitsRule(context: ValidationContext): ASTVisitor {
  let depth = 0;
  let aliases = 0;
  let fields = 0;
  const fail = (message: string) =>
    context.reportError(new GraphQLError(message, { extensions: { code: 'DOCUMENT_TOO_COMPLEX' } }));
  return {
    Field: {
      enter(node) {
        depth++;
        fields++;
        if (node.alias) aliases++;
        if (depth === documentLimits.maxDepth + 1) fail(`document is deeper than ${documentLimits.maxDepth} levels`);
        if (node.alias && aliases === documentLimits.maxAliases + 1)
          fail(`document has more than ${documentLimits.maxAliases} aliases`);
        if (fields === documentLimits.maxFields + 1)
          fail(`document selects more than ${documentLimits.maxFields} fields`);
      },
      leave() {
        depth--;
      },
    },
    [Kind.FRAGMENT_DEFINITION]: {},
  };
}

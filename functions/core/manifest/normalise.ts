/**
 * One normal form for a persisted document, so the id a client computes and the id the registry holds agree.
 *
 * The form is the one Apollo Client 4 sends and its manifest generator records: `__typename` on every selection set
 * except an operation's root (a normalised client cache needs it to identify objects), then the top-level definitions
 * sorted — operations first, fragments after, each by name — and graphql-js `print`. A document already in this
 * form is unchanged by it, so hashing is stable however many times a client or the registry applies it.
 */
import {
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
  type SelectionNode,
  type SelectionSetNode,
  visit,
} from 'graphql';

const typenameField: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

/** A plain `__typename` selection: no alias, no directives (an aliased or conditional one is the author's own). */
const isPlainTypename = (s: SelectionNode) =>
  s.kind === Kind.FIELD && s.name.value === '__typename' && !s.alias && (s.directives?.length ?? 0) === 0;

/**
 * `__typename` last in every selection set below an operation's root (a plain one the author placed elsewhere is
 * moved there), so documents differing only in where or whether they asked for `__typename` share one form.
 */
export function withTypenames(doc: DocumentNode): DocumentNode {
  return visit(doc, {
    SelectionSet: {
      leave(node: SelectionSetNode, _key, parent) {
        const atOperationRoot = (parent as OperationDefinitionNode | undefined)?.kind === Kind.OPERATION_DEFINITION;
        if (atOperationRoot) return undefined;
        const kept = node.selections.filter((s) => !isPlainTypename(s));
        return { ...node, selections: [...kept, typenameField] };
      },
    },
  });
}

const definitionRank = (d: DefinitionNode) => (d.kind === Kind.OPERATION_DEFINITION ? 0 : 1);
const definitionName = (d: DefinitionNode) => ('name' in d && d.name ? d.name.value : '');

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Operations first, then fragments, each group by name in code-unit order (Apollo's `sortTopLevelDefinitions`). */
export function sortedDefinitions(doc: DocumentNode): DocumentNode {
  const definitions = [...doc.definitions].sort(
    (a, b) => definitionRank(a) - definitionRank(b) || byCodeUnits(definitionName(a), definitionName(b)),
  );
  return { ...doc, definitions };
}

/** The normal form of a document (see the module comment). */
export function normaliseDocument(doc: DocumentNode): DocumentNode {
  return sortedDefinitions(withTypenames(doc));
}

/**
 * The text a client hashes, in the printings the common clients use for the same document: graphql-js `print`
 * (Apollo Client, Apollo's manifest generator, the registry's own id) and definitions printed one by one and joined
 * by a single newline (urql's `stringifyDocument`). Both are over the normal form.
 */
export function clientPrintings(normal: DocumentNode): string[] {
  const joined = normal.definitions.map((d) => print(d)).join('\n');
  return [print(normal), joined];
}

/** Parser limits for documents that arrive from clients: a document is small; token floods are refused early. */
export const clientDocumentMaxTokens = 4_000;

/** Parses a client's document text with a token bound; throws graphql's `GraphQLError` on bad syntax or a flood. */
export function parseClientDocument(text: string): DocumentNode {
  return parse(text, { noLocation: true, maxTokens: clientDocumentMaxTokens });
}

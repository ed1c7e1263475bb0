/**
 * One normal form for a persisted document, so the id a client computes and the id the registry holds agree.
 *
 * The form is the one Apollo's manifest generator records (and Apollo Client sends with
 * `generatePersistedQueryIdsAtRuntime`): `__typename` appended to every selection set below an operation's root that
 * has no `__`-prefixed field yet (Apollo Client 4's own rule: a normalised cache needs it to identify objects), then
 * the top-level definitions sorted — operations first, fragments after, each by name — and graphql-js `print`. A
 * document already in this form is unchanged by it, so hashing is stable however often it is applied.
 */
import {
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
  type SelectionNode,
  type SelectionSetNode,
  visit,
} from 'graphql';

const typenameField: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

const isMetaField = (s: SelectionNode) => s.kind === Kind.FIELD && s.name.value.startsWith('__');

/** `__typename` appended to every selection set below an operation's root that selects no `__` field yet. */
export function withTypenames(doc: DocumentNode): DocumentNode {
  return visit(doc, {
    SelectionSet: {
      leave(node: SelectionSetNode, _key, parent) {
        const atOperationRoot = (parent as OperationDefinitionNode | undefined)?.kind === Kind.OPERATION_DEFINITION;
        if (atOperationRoot || node.selections.some(isMetaField)) return undefined;
        return { ...node, selections: [...node.selections, typenameField] };
      },
    },
  });
}

/** A plain `__typename` selection: no alias, no directives. */
const isPlainTypename = (s: SelectionNode) =>
  s.kind === Kind.FIELD && s.name.value === '__typename' && !s.alias && (s.directives?.length ?? 0) === 0;

/**
 * The document without plain `__typename` selections: a client that placed its own elsewhere (or left them out) is
 * recognised by the normal form of what remains.
 */
export function withoutTypenames(doc: DocumentNode): DocumentNode {
  return visit(doc, {
    SelectionSet: {
      leave(node: SelectionSetNode) {
        const kept = node.selections.filter((s) => !isPlainTypename(s));
        return kept.length === node.selections.length || kept.length === 0 ? undefined : { ...node, selections: kept };
      },
    },
  });
}

/** The fragments `root` spreads, transitively, in order of first use (unknown names are skipped). */
export function fragmentsUsedBy(
  root: DefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const pending: DefinitionNode[] = [root];
  while (pending.length > 0) {
    visit(pending.shift()!, {
      FragmentSpread(node) {
        const frag = fragments.get(node.name.value);
        if (frag && !used.has(frag.name.value)) {
          used.set(frag.name.value, frag);
          pending.push(frag);
        }
      },
    });
  }
  return [...used.values()];
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
  const printings = (doc: DocumentNode) => [print(doc), doc.definitions.map((d) => print(d)).join('\n')];
  // Also as an app writes it: the operation, then its fragments in order of first use, fragments within fragments
  // included (a `gql` template interpolating a fragment that spreads another); sorted and first-use orders differ
  // only when a document has a fragment inside a fragment.
  return [...new Set([...printings(normal), ...printings(firstUseOrder(normal))])];
}

/** The document's operations, then the fragments they spread transitively, in order of first use. */
function firstUseOrder(doc: DocumentNode): DocumentNode {
  const fragments = new Map(
    doc.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d] as const),
  );
  const operations = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const used = new Map<string, FragmentDefinitionNode>();
  for (const op of operations) for (const f of fragmentsUsedBy(op, fragments)) used.set(f.name.value, f);
  return { ...doc, definitions: [...operations, ...used.values()] };
}

/** Parser limits for documents that arrive from clients: a document is small; token floods are refused early. */
export const clientDocumentMaxTokens = 4_000;

/** Parses a client's document text with a token bound; throws graphql's `GraphQLError` on bad syntax or a flood. */
export function parseClientDocument(text: string): DocumentNode {
  return parse(text, { noLocation: true, maxTokens: clientDocumentMaxTokens });
}

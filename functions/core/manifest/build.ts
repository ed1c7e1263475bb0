import {
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  parse,
  TypeInfo,
  validate,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { sha256Hex as sha256 } from './ids.js';
import { clientPrintings, fragmentsUsedBy, normaliseDocument } from './normalise.js';
import type { TrustedDocument } from './trusted-documents.js';
import type { CacheScope, CostHint, Manifest, ManifestEntry } from './types.js';

function directiveArgs(node: { astNode?: { directives?: readonly DirectiveNode[] } | null }, name: string) {
  const d = node.astNode?.directives?.find((x) => x.name.value === name);
  if (!d) return undefined;
  return Object.fromEntries((d.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)])) as Record<
    string,
    unknown
  >;
}

interface FieldHints {
  maxAge?: number;
  scope?: CacheScope;
}

function hintsOf(field: GraphQLField<unknown, unknown>, parentHints: FieldHints): FieldHints {
  const own = directiveArgs(field, 'cacheControl');
  const typeHint = (() => {
    const t = getNamedType(field.type);
    return isObjectType(t) ? directiveArgs(t, 'cacheControl') : undefined;
  })();
  const pick = own ?? typeHint;
  return {
    maxAge: (pick?.maxAge as number | undefined) ?? parentHints.maxAge,
    scope: (pick?.scope as CacheScope | undefined) ?? parentHints.scope,
  };
}

/** Parses shared fragment files (schema/fragments) into a library by fragment name. */
export function fragmentLibrary(sources: string[]): Map<string, FragmentDefinitionNode> {
  const lib = new Map<string, FragmentDefinitionNode>();
  for (const src of sources) {
    for (const d of parse(src).definitions) {
      if (d.kind !== Kind.FRAGMENT_DEFINITION) throw new Error('schema/fragments may only hold fragment definitions');
      if (lib.has(d.name.value)) throw new Error(`duplicate shared fragment ${d.name.value}`);
      lib.set(d.name.value, d);
    }
  }
  return lib;
}

/**
 * Appends the shared fragments a document spreads but does not define (transitively), so every persisted document is
 * self-contained — its sha256 covers everything it selects — while the source files stay free of copies.
 */
function withSharedFragments(doc: DocumentNode, lib: Map<string, FragmentDefinitionNode>): DocumentNode {
  const own = new Map(
    doc.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const all = new Map([...lib, ...own]);
  for (const root of doc.definitions) {
    for (const def of [root, ...fragmentsUsedBy(root, all)]) {
      visit(def, {
        FragmentSpread(node) {
          if (!all.has(node.name.value)) throw new Error(`unknown fragment ${node.name.value}`);
        },
      });
    }
  }
  const added = doc.definitions
    .flatMap((d) => fragmentsUsedBy(d, all))
    .filter((f, i, list) => !own.has(f.name.value) && list.indexOf(f) === i);
  return { ...doc, definitions: [...doc.definitions, ...added] };
}

/** A compiled document: its manifest entry and the other ids clients compute for the same document. */
export interface CompiledOperation {
  entry: ManifestEntry;
  /** sha256 of the document in other clients' printings (see {@link clientPrintings}), never the entry's own id. */
  aliases: string[];
}

/**
 * Compiles one persisted document (a single operation plus its fragments) into a manifest entry: normalised (see
 * ./normalise.ts), validated against the schema, its id the sha256 of the normal form.
 */
export function compileDocument(
  schema: GraphQLSchema,
  source: string,
  fragments: Map<string, FragmentDefinitionNode> = new Map(),
  registeredBy = 'schema/operations',
): CompiledOperation {
  const doc: DocumentNode = normaliseDocument(withSharedFragments(parse(source), fragments));
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (ops.length !== 1 || !ops[0]!.name) throw new Error('a persisted document must hold exactly one named operation');
  const op = ops[0]!;
  const invalid = validate(schema, doc);
  if (invalid.length > 0) {
    throw new Error(
      `operation ${op.name!.value} is not valid against the schema: ${invalid.map((e) => e.message).join('; ')}`,
    );
  }
  const [document, ...otherPrintings] = clientPrintings(doc) as [string, ...string[]];
  const rootType = schema.getRootType(op.operation);
  if (!rootType) throw new Error(`unsupported operation type ${op.operation}`);

  const rootFields: string[] = [];
  const stepUpScopes = new Set<string>();
  let mayStepUp = false;
  const cost: CostHint = { weight: 0, maxHops: 0, maxRows: 0 };
  let minAge = Number.POSITIVE_INFINITY;
  let scope: CacheScope = 'PUBLIC';

  for (const sel of op.selectionSet.selections) {
    if (sel.kind !== Kind.FIELD || sel.name.value.startsWith('__')) continue;
    const field = rootType.getFields()[sel.name.value];
    if (!field) throw new Error(`unknown root field ${rootType.name}.${sel.name.value}`);
    rootFields.push(`${rootType.name}.${field.name}`);
    const sensitive = directiveArgs(field, 'sensitive');
    // A field sensitive only for some argument values (`whenArgument`) is decided per call by the origin's guard.
    if (sensitive && sensitive.whenArgument == null) stepUpScopes.add(String(sensitive.scope));
    if (sensitive) mayStepUp = true;
    const c = directiveArgs(field, 'cost');
    cost.weight += Number(c?.weight ?? 1);
    cost.maxHops = Math.max(cost.maxHops, Number(c?.maxHops ?? 0));
    cost.maxRows = Math.max(cost.maxRows, Number(c?.maxRows ?? 1));
  }

  // Walk every selected field: the shortest maxAge wins; any PRIVATE field makes the whole response PRIVATE.
  const typeInfo = new TypeInfo(schema);
  visit(
    doc,
    visitWithTypeInfo(typeInfo, {
      Field(node: FieldNode) {
        const def = typeInfo.getFieldDef();
        if (!def || node.name.value.startsWith('__')) return;
        const hints = hintsOf(def, {});
        if (hints.maxAge !== undefined) minAge = Math.min(minAge, hints.maxAge);
        if (hints.scope === 'PRIVATE') scope = 'PRIVATE';
      },
    }),
  );

  const kind = op.operation === 'mutation' ? 'write' : op.operation === 'subscription' ? 'subscription' : 'read';
  const id = sha256(document);
  const entry: ManifestEntry = {
    id,
    name: op.name!.value,
    kind,
    sensitive: mayStepUp,
    stepUpScopes: [...stepUpScopes].sort(),
    cacheTtlMs: kind !== 'read' || !Number.isFinite(minAge) ? 0 : minAge * 1000,
    scope,
    costHint: cost,
    rootFields,
    document,
    registeredBy,
  };
  const aliases = [...new Set(otherPrintings.map(sha256))].filter((a) => a !== id);
  return { entry, aliases };
}

/** {@link compileDocument}'s entry alone. */
export function compileOperation(
  schema: GraphQLSchema,
  source: string,
  fragments: Map<string, FragmentDefinitionNode> = new Map(),
): ManifestEntry {
  return compileDocument(schema, source, fragments).entry;
}

/**
 * Builds the whole manifest from the SDL text, the persisted documents (schema/operations, unique names) and the
 * trusted documents client tooling produced (schema/trusted-documents). A trusted document whose normal form is
 * already registered becomes an alias of that entry; any other one is registered under its normal form, with the
 * client's id as an alias. Every id a client may send resolves to exactly one entry.
 */
export function buildManifest(
  schema: GraphQLSchema,
  sdl: string,
  documents: string[],
  fragments: string[] = [],
  trusted: TrustedDocument[] = [],
): Manifest {
  const operations: Record<string, ManifestEntry> = {};
  const aliases: Record<string, string> = {};
  const names = new Set<string>();
  const lib = fragmentLibrary(fragments);
  const addAlias = (alias: string, target: string, origin: string) => {
    const existing = aliases[alias] ?? (Object.hasOwn(operations, alias) ? alias : undefined);
    if (existing !== undefined && existing !== target) throw new Error(`${origin}: id ${alias} names two documents`);
    if (alias !== target) aliases[alias] = target;
  };
  for (const source of documents) {
    const { entry, aliases: more } = compileDocument(schema, source, lib);
    if (names.has(entry.name)) throw new Error(`duplicate operation name ${entry.name}`);
    names.add(entry.name);
    operations[entry.id] = entry;
    for (const a of more) addAlias(a, entry.id, entry.name);
  }
  for (const doc of trusted) {
    let compiled: CompiledOperation;
    try {
      compiled = compileDocument(schema, doc.body, new Map(), doc.origin.split('#')[0]);
    } catch (err) {
      throw new Error(`${doc.origin}: ${(err as Error).message}`);
    }
    const { entry, aliases: more } = compiled;
    if (!Object.hasOwn(operations, entry.id)) {
      // Apollo's manifest (and its generatePersistedQueryIdsFromManifest) finds ids by name: one name, one document.
      if (names.has(entry.name)) {
        throw new Error(
          `${doc.origin}: operation name ${entry.name} is already registered for another document; rename one`,
        );
      }
      names.add(entry.name);
      operations[entry.id] = entry;
    }
    for (const a of [doc.id, ...more]) addAlias(a, entry.id, doc.origin);
  }
  const sorted = Object.fromEntries(
    Object.entries(operations).sort(([ia, a], [ib, b]) => a.name.localeCompare(b.name) || (ia < ib ? -1 : 1)),
  );
  const sortedAliases = Object.fromEntries(Object.entries(aliases).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { schemaVersion: sha256(sdl).slice(0, 16), operations: sorted, aliases: sortedAliases };
}

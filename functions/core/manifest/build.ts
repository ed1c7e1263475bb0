import { createHash } from 'node:crypto';
import {
  type DefinitionNode,
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
  print,
  TypeInfo,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { CacheScope, CostHint, Manifest, ManifestEntry } from './types.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

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
  const defined = new Set(doc.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [d.name.value] : [])));
  const added: DefinitionNode[] = [];
  const pending = [doc as DocumentNode | FragmentDefinitionNode];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(node) {
        const name = node.name.value;
        if (defined.has(name)) return;
        const frag = lib.get(name);
        if (!frag) throw new Error(`unknown fragment ${name}`);
        defined.add(name);
        added.push(frag);
        pending.push(frag);
      },
    });
  }
  added.sort((a, b) => ((a as FragmentDefinitionNode).name.value < (b as FragmentDefinitionNode).name.value ? -1 : 1));
  return { ...doc, definitions: [...doc.definitions, ...added] };
}

/** Compiles one persisted document (a single operation plus its fragments) into a manifest entry. */
export function compileOperation(
  schema: GraphQLSchema,
  source: string,
  fragments: Map<string, FragmentDefinitionNode> = new Map(),
): ManifestEntry {
  const doc: DocumentNode = withSharedFragments(parse(source), fragments);
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (ops.length !== 1 || !ops[0]!.name) throw new Error('a persisted document must hold exactly one named operation');
  const op = ops[0]!;
  const document = print(doc);
  const rootType = op.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (!rootType || op.operation === 'subscription') throw new Error(`unsupported operation type ${op.operation}`);

  const rootFields: string[] = [];
  const stepUpScopes = new Set<string>();
  const cost: CostHint = { weight: 0, maxHops: 0, maxRows: 0 };
  let minAge = Number.POSITIVE_INFINITY;
  let scope: CacheScope = 'PUBLIC';

  for (const sel of op.selectionSet.selections) {
    if (sel.kind !== Kind.FIELD || sel.name.value.startsWith('__')) continue;
    const field = rootType.getFields()[sel.name.value];
    if (!field) throw new Error(`unknown root field ${rootType.name}.${sel.name.value}`);
    rootFields.push(`${rootType.name}.${field.name}`);
    const sensitive = directiveArgs(field, 'sensitive');
    if (sensitive) stepUpScopes.add(String(sensitive.scope));
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

  const kind = op.operation === 'mutation' ? 'write' : 'read';
  return {
    id: sha256(document),
    name: op.name!.value,
    kind,
    sensitive: stepUpScopes.size > 0,
    stepUpScopes: [...stepUpScopes].sort(),
    cacheTtlMs: kind === 'write' || !Number.isFinite(minAge) ? 0 : minAge * 1000,
    scope,
    costHint: cost,
    rootFields,
    document,
  };
}

/** Builds the whole manifest from the SDL text and the persisted documents. Names and ids must be unique. */
export function buildManifest(
  schema: GraphQLSchema,
  sdl: string,
  documents: string[],
  fragments: string[] = [],
): Manifest {
  const operations: Record<string, ManifestEntry> = {};
  const names = new Set<string>();
  const lib = fragmentLibrary(fragments);
  for (const source of documents) {
    const entry = compileOperation(schema, source, lib);
    if (names.has(entry.name)) throw new Error(`duplicate operation name ${entry.name}`);
    names.add(entry.name);
    operations[entry.id] = entry;
  }
  const sorted = Object.fromEntries(Object.entries(operations).sort(([, a], [, b]) => a.name.localeCompare(b.name)));
  return { schemaVersion: sha256(sdl).slice(0, 16), operations: sorted };
}

/**
 * Trusted documents sent in full. A client that sends the document text (graphql-request, curl, an APQ client
 * retrying after `PersistedQueryNotFound`) is served when the text, normalised, IS a registered document: nothing
 * new is ever registered at run time, the text only has to name a registered entry in another printing.
 *
 * What was recognised is remembered by the sha256 of the text the client sent, so an APQ client that hashes its own
 * printing is served by hash alone from its second request on. Memory is bounded (least recently used out).
 */
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  print,
} from 'graphql';
import { parseDocumentId, sha256Hex } from './ids.js';
import { findOperation } from './index.js';
import { fragmentsUsedBy, normaliseDocument, parseClientDocument, withoutTypenames } from './normalise.js';
import type { Manifest, ManifestEntry } from './types.js';

/** Why a sent document could not be run: it does not parse, names no single operation, or is not registered. */
export type RecognitionFailure =
  | { reason: 'syntax'; message: string }
  | { reason: 'operation'; message: string }
  | { reason: 'unregistered'; message: string };

/** A recognised entry (with the sha256 of the text as sent), or why not. */
export type Recognition = { entry: ManifestEntry; textHash: string } | RecognitionFailure;

/** The named operation (or the only one) with just the fragments it spreads, transitively. */
function selectOperation(doc: DocumentNode, operationName: string | undefined): DocumentNode | RecognitionFailure {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op =
    operationName === undefined
      ? ops.length === 1
        ? ops[0]
        : undefined
      : ops.find((o) => o.name?.value === operationName);
  if (!op) {
    const message =
      ops.length === 0
        ? 'the document holds no operation'
        : operationName === undefined
          ? 'the document holds several operations: name one with operationName'
          : `the document has no operation named ${operationName.slice(0, 80)}`;
    return { reason: 'operation', message };
  }
  const fragments = new Map(
    doc.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  return { ...doc, definitions: [op, ...fragmentsUsedBy(op, fragments)] };
}

/**
 * The registered entry a selected document is, if any: its normal form as sent, or — for a client that placed
 * `__typename` elsewhere or left it out — the normal form of the document without its plain `__typename`s.
 */
function registeredEntry(selected: DocumentNode, manifest: Manifest): ManifestEntry | undefined {
  const asSent = findOperation(sha256Hex(print(normaliseDocument(selected))), manifest);
  return asSent ?? findOperation(sha256Hex(print(normaliseDocument(withoutTypenames(selected)))), manifest);
}

/**
 * Recognises documents sent in full as registered entries, and remembers (bounded, least recently used out) the
 * sha256 of each text it recognised, so a client may send that hash alone afterwards.
 */
export class DocumentRecogniser {
  private readonly learnt = new Map<string, string>();

  constructor(
    private readonly manifest: Manifest,
    private readonly maxRemembered = 10_000,
  ) {}

  /** The entry a client's own id names: a registry id or alias, or the hash of a document recognised earlier. */
  byId(id: string): ManifestEntry | undefined {
    const found = findOperation(id, this.manifest);
    if (found) return found;
    const parsed = parseDocumentId(id);
    if (parsed?.algorithm !== 'sha256') return undefined;
    const key = parsed.hex;
    const target = this.learnt.get(key);
    if (target === undefined) return undefined;
    this.remember(key, target); // refresh recency
    return this.manifest.operations[target];
  }

  /** Recognises a sent document; `operationName` picks one operation of several (and must match when given). */
  recognise(text: string, operationName?: string): Recognition {
    const textHash = sha256Hex(text);
    const known = this.learnt.get(textHash);
    if (known !== undefined) {
      const entry = this.manifest.operations[known]!;
      if (operationName === undefined || operationName === entry.name) {
        this.remember(textHash, known);
        return { entry, textHash };
      }
    }
    let doc: DocumentNode;
    try {
      doc = parseClientDocument(text);
    } catch (err) {
      const message = err instanceof GraphQLError ? err.message : 'the document could not be parsed';
      return { reason: 'syntax', message };
    }
    const selected = selectOperation(doc, operationName);
    if ('reason' in selected) return selected;
    const entry = registeredEntry(selected, this.manifest);
    if (!entry) {
      return {
        reason: 'unregistered',
        message:
          'this document is not a registered operation; register it as a trusted document (schema/trusted-documents) and deploy',
      };
    }
    // Only a whole document that is exactly one registered operation may be found again by its hash alone.
    if (selected.definitions.length === doc.definitions.length) this.remember(textHash, entry.id);
    return { entry, textHash };
  }

  private remember(key: string, target: string): void {
    this.learnt.delete(key);
    this.learnt.set(key, target);
    if (this.learnt.size > this.maxRemembered) this.learnt.delete(this.learnt.keys().next().value!);
  }
}

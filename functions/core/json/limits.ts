/**
 * Depth and size limits for JSON that arrives from outside. Parsing itself is safe (V8's JSON.parse does not recurse),
 * but much that runs afterwards does: JSON.stringify, graphql-js input coercion, zod, the Neo4j driver's packer. A few
 * kilobytes of `[[[[…]]]]` are enough to overflow their stacks, so every surface checks what it parsed here, once, with
 * an explicit stack, before anything else walks it.
 */
import { DomainError } from '../errors.js';

/** How deep and how large a parsed JSON value may be. */
export interface JsonLimits {
  /** Most nested arrays/objects on any path; the top-level container counts as depth 1. */
  maxDepth: number;
  /** Most values in total (containers, members and elements). */
  maxNodes: number;
}

/** Defaults for request bodies and GraphQL variables: far beyond any real request, far below any stack. */
export const defaultJsonLimits: JsonLimits = { maxDepth: 32, maxNodes: 10_000 };

/** Stable codes of {@link JsonLimitError}: nested too deep, or too many values. */
export type JsonLimitCode = 'JSON_TOO_DEEP' | 'JSON_TOO_MANY_VALUES';

/** A parsed value over {@link JsonLimits}; `context` carries the limit that was passed. */
export class JsonLimitError extends DomainError<JsonLimitCode> {}

/**
 * Throws {@link JsonLimitError} when `value` nests deeper than `limits.maxDepth` or holds more than `limits.maxNodes`
 * values. Iterative, and it stops at the first limit passed, so its own cost is bounded by the limits.
 * @example assertJsonWithin(JSON.parse(text), { maxDepth: 32, maxNodes: 10_000 }, 'variables');
 */
export function assertJsonWithin(
  value: unknown,
  limits: JsonLimits = defaultJsonLimits,
  what = 'the JSON value',
): void {
  const stack: [node: unknown, depth: number][] = [[value, 0]];
  let nodes = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (++nodes > limits.maxNodes) {
      throw new JsonLimitError('JSON_TOO_MANY_VALUES', `${what} holds more than ${limits.maxNodes} values`, {
        context: { maxNodes: limits.maxNodes },
      });
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > limits.maxDepth) {
      throw new JsonLimitError('JSON_TOO_DEEP', `${what} nests deeper than ${limits.maxDepth} levels`, {
        context: { maxDepth: limits.maxDepth },
      });
    }
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) stack.push([child, depth + 1]);
  }
}

/**
 * Text every store and queue on the write path can carry. SQS (and XML 1.0, which it follows) allows only #x9, #xA, #xD,
 * #x20–#xD7FF, #xE000–#xFFFD and #x10000–#x10FFFF; Neo4j and canonical JSON refuse lone surrogates. A string outside
 * that set can never be stored, so it is refused as the sender's fault before anything is accepted.
 */

// C0 controls other than tab, LF and CR, and the two BMP non-characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one (no `u` flag: code units).
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `s` is not storable text, or undefined when it is. */
export function textProblem(s: string): string | undefined {
  if (loneSurrogate.test(s)) return 'contains a lone surrogate character (not valid Unicode)';
  const m = forbidden.exec(s);
  if (m)
    return `contains the character U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}, which cannot be stored`;
  return undefined;
}

/**
 * The first string (a value or an object key) in `value` that is not storable text, with its path; iterative.
 * @example invalidText({ names: ['a\u0000'] }) // { path: ['names', 0], problem: 'contains the character U+0000, …' }
 */
export function invalidText(value: unknown): { path: (string | number)[]; problem: string } | undefined {
  const stack: [unknown, (string | number)[]][] = [[value, []]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node === 'string') {
      const problem = textProblem(node);
      if (problem) return { path, problem };
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], [...path, i]]);
    } else if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i]!;
        const problem = textProblem(k);
        if (problem) return { path: [...path, k], problem: `key ${problem}` };
        stack.push([v, [...path, k]]);
      }
    }
  }
  return undefined;
}

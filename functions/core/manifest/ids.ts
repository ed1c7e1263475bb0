/** Document ids as clients send them: bare hex, or prefixed with the algorithm (GraphQL over HTTP, Appendix A). */
import { createHash } from 'node:crypto';

/** The sha256 of a text, lower-case hex: the id of a registered document. */
export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

const hexId = /^(?:(sha256|sha1):)?([a-f0-9]{40}|[a-f0-9]{64})$/i;

/**
 * The bare hex and the algorithm of a document id (`sha256:<hex>`, `<64 hex>` → sha256, `<40 hex>` → sha1), or
 * undefined when it is neither shape.
 */
export function parseDocumentId(id: string): { hex: string; algorithm: 'sha256' | 'sha1' } | undefined {
  const m = hexId.exec(id);
  if (!m) return undefined;
  const hex = m[2]!.toLowerCase();
  const algorithm = hex.length === 64 ? 'sha256' : 'sha1';
  if (m[1] && m[1].toLowerCase() !== algorithm) return undefined;
  return { hex, algorithm };
}

import { HttpError } from './errors.js';

/**
 * Reads a request body of at most `maxBytes`: a declared `content-length` over the cap is refused before reading, and
 * the stream is cancelled as soon as it passes the cap, so an oversized body is never buffered whole. Over the cap it
 * throws {@link HttpError} 413 `PAYLOAD_TOO_LARGE` with `message`.
 * @example const bytes = await readCappedBody(request.clone(), 64 * 1024);
 */
export async function readCappedBody(
  request: Request,
  maxBytes: number,
  message = `request body is larger than ${maxBytes} bytes`,
): Promise<Uint8Array> {
  const tooLarge = () => new HttpError(413, 'PAYLOAD_TOO_LARGE', message);
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge();
  // A declared length within the cap bounds the body already (HTTP framing: the server reads no more than it), so it
  // is read in one call: on Node (@hono/node-server) that reads the socket directly instead of building a web
  // Request and stream per request. Without a declared length the stream is read chunk by chunk against the cap.
  if (Number.isInteger(declared) && declared >= 0) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > maxBytes) throw tooLarge();
    return bytes;
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not awaited: on a clone (a tee) the cancel settles only once the other branch is cancelled too.
      reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** {@link readCappedBody} decoded as UTF-8 text. */
export async function readCappedText(request: Request, maxBytes: number, message?: string): Promise<string> {
  return new TextDecoder().decode(await readCappedBody(request, maxBytes, message));
}

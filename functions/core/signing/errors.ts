/** Base error of the internal-request signature; `code` is stable and goes to clients as is. */
export class SignatureError extends Error {
  override name = 'SignatureError';
  constructor(
    readonly code: 'UNSIGNED_REQUEST' | 'BAD_SIGNATURE' | 'SIGNATURE_EXPIRED' | 'MALFORMED_SIGNATURE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

import { DomainError } from '../errors.js';

/** Stable codes of the internal-request signature and of sealed bookmarks; they go to clients as is. */
export type SignatureErrorCode =
  | 'UNSIGNED_REQUEST'
  | 'BAD_SIGNATURE'
  | 'SIGNATURE_EXPIRED'
  | 'MALFORMED_SIGNATURE'
  | 'REPLAYED_REQUEST'
  | 'REPLAY_CHECK_UNAVAILABLE'
  | 'BAD_BOOKMARK';

/** Base error of the internal-request signature. */
export class SignatureError extends DomainError<SignatureErrorCode> {}

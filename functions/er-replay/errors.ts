/** Errors of DLQ replay, with stable codes. */
import { DomainError } from '../core/errors.js';

export type ReplayErrorCode = 'INVALID_FILTER' | 'MOVE_TASK_FAILED' | 'REPLAY_INVALID_INPUT';

/** A replay that cannot run or did not finish; the CLI prints `code` and `message`. */
export class ReplayError extends DomainError<ReplayErrorCode> {}

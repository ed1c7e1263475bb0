/** Errors of DLQ replay, with stable codes. */
export type ReplayErrorCode = 'INVALID_FILTER' | 'MOVE_TASK_FAILED' | 'REPLAY_INVALID_INPUT';

export class ReplayError extends Error {
  constructor(
    readonly code: ReplayErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ReplayError';
  }
}

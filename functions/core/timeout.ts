/**
 * Bounds a promise: rejects with `onTimeout(message)` after `ms` and always clears its timer (no dangling timers on the
 * edge or in a Lambda). The late result is ignored. Used by every store call that must never hold a request.
 */
export function withTimeout<T>(
  work: Promise<T>,
  ms: number,
  what: string,
  onTimeout: (message: string) => Error = (message) => Object.assign(new Error(message), { name: 'TimeoutError' }),
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

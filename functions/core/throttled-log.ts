/** Logs at most once per interval, counting what it suppressed (a down cache must not flood the logs). */
export function throttledLog(intervalMs: number, log: (line: string) => void = console.warn) {
  let last = 0;
  let suppressed = 0;
  return (line: string) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      suppressed++;
      return;
    }
    log(suppressed > 0 ? `${line} (+${suppressed} suppressed)` : line);
    last = now;
    suppressed = 0;
  };
}

/** One JSON line per entry on stdout (CloudWatch parses it; the local processes' log files keep it). */
export function jsonLog(entry: Record<string, unknown>): void {
  console.log(JSON.stringify({ at: new Date().toISOString(), service: 'er-intake', ...entry }));
}

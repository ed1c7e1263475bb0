/**
 * Reads a GraphQL-over-SSE response (yoga's distinct-connections mode: `event: next` with a JSON `data:` line per
 * result, `event: complete` at the end) as it arrives, for tests, benchmarks and Node clients of subscriptions.
 */
export interface SseMessage {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: each caller asserts the fields it reads.
  data: any;
  /** performance.timeOrigin + performance.now() when the message's last byte was read. */
  receivedAt: number;
}

/** Calls `onMessage` for every complete message of the stream until it ends or `signal` aborts. */
export async function readSse(
  body: ReadableStream<Uint8Array>,
  onMessage: (m: SseMessage) => void,
  signal?: AbortSignal,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const stop = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', stop, { once: true });
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n');
        const event =
          lines
            .find((l) => l.startsWith('event:'))
            ?.slice(6)
            .trim() ?? 'message';
        const data = lines
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('\n');
        if (!data && event === 'message') continue; // a keep-alive comment
        const receivedAt = performance.timeOrigin + performance.now();
        onMessage({ event, data: data ? JSON.parse(data) : null, receivedAt });
      }
    }
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

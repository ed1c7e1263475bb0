/**
 * A local HTTP server that replays recorded provider responses, for the model adapters' contract tests. The
 * "recordings" are response bodies in each provider's documented wire format (Bedrock Converse, OpenAI chat
 * completions), written for these tests — no real provider was called to make them, and none is called when they run.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  /** Path the adapter must call. */
  path: string;
  status: number;
  body: unknown;
}

export interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/**
 * Serves `recordings` in order (the last one repeats); records every request it saw. `http2` serves cleartext HTTP/2
 * (the Bedrock runtime client speaks HTTP/2).
 */
export async function replayServer(recordings: Recorded[], options: { http2?: boolean } = {}) {
  const seen: Seen[] = [];
  let next = 0;
  const handle = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => {
    const chunks: Buffer[] = [];
    (req as IncomingMessage).on('data', (c: Buffer) => chunks.push(c));
    (req as IncomingMessage).on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers as IncomingMessage['headers'],
        body: text ? JSON.parse(text) : null,
      });
      const r = recordings[Math.min(next++, recordings.length - 1)]!;
      const matches = r.method === req.method && decodeURIComponent(req.url ?? '') === r.path;
      (res as ServerResponse).writeHead(matches ? r.status : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(matches ? r.body : { message: `no recording for ${req.method} ${req.url}` }));
    });
  };
  const server = options.http2 ? createHttp2Server(handle) : createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A Bedrock Converse reply (wire format of POST /model/{modelId}/converse). */
export const converseReply = (text: string, inputTokens = 812, outputTokens = 64) => ({
  output: { message: { role: 'assistant', content: [{ text }] } },
  stopReason: 'end_turn',
  usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
  metrics: { latencyMs: 420 },
});

/** An OpenAI chat-completions reply (wire format of POST /v1/chat/completions). */
export const chatReply = (content: string, promptTokens = 790, completionTokens = 58) => ({
  id: 'chatcmpl-recorded',
  object: 'chat.completion',
  created: 1764900000,
  model: 'gpt-compatible',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  },
});

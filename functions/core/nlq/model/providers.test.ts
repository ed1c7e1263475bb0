/**
 * Contract tests of the model adapters against a local HTTP server that replays recorded responses in each
 * provider's wire format. Plainly: the recordings are written for these tests from the providers' documented
 * formats; no real Bedrock or OpenAI-compatible endpoint is called, here or in CI.
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { bedrockProvider } from './bedrock.js';
import { openAiCompatibleProvider } from './openai.js';
import { chatReply, converseReply, replayServer } from './test-support/replay-server.js';

const request = { system: 'schema…', user: 'who does Olga Chen know', maxTokens: 300 };
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('the Bedrock adapter (Converse API, replayed)', () => {
  it('sends the system prompt and question to /model/{id}/converse and reads text and token usage', async () => {
    const modelId = 'anthropic.claude-3-haiku-20240307-v1:0';
    const server = await replayServer(
      [
        {
          method: 'POST',
          path: `/model/${modelId}/converse`,
          status: 200,
          body: converseReply('{"intent":{}}', 900, 70),
        },
      ],
      { http2: true },
    );
    close = server.close;
    const client = new BedrockRuntimeClient({
      region: 'eu-west-1',
      endpoint: server.url,
      credentials: { accessKeyId: 'AKIDLOCALREPLAY', secretAccessKey: 'local-replay-only' },
    });
    const out = await bedrockProvider({ region: 'eu-west-1', modelId, client }).complete(request);
    expect(out).toEqual({ text: '{"intent":{}}', inputTokens: 900, outputTokens: 70 });
    const sent = server.seen[0]!.body as { system: { text: string }[]; messages: { content: { text: string }[] }[] };
    expect(sent.system[0]!.text).toBe('schema…');
    expect(sent.messages[0]!.content[0]!.text).toBe('who does Olga Chen know');
    expect(String(server.seen[0]!.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 /);
  });

  it('turns a throttling reply into MODEL_ERROR', async () => {
    const modelId = 'm';
    const server = await replayServer(
      [{ method: 'POST', path: `/model/${modelId}/converse`, status: 429, body: { message: 'Too many requests' } }],
      { http2: true },
    );
    close = server.close;
    const client = new BedrockRuntimeClient({
      region: 'eu-west-1',
      endpoint: server.url,
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDLOCALREPLAY', secretAccessKey: 'local-replay-only' },
    });
    await expect(bedrockProvider({ region: 'eu-west-1', modelId, client }).complete(request)).rejects.toMatchObject({
      code: 'MODEL_ERROR',
    });
  });
});

describe('the OpenAI-compatible adapter (chat completions, replayed)', () => {
  it('posts messages with the bearer key and reads content and usage', async () => {
    const server = await replayServer([
      { method: 'POST', path: '/v1/chat/completions', status: 200, body: chatReply('{"refuse":"writes"}', 800, 12) },
    ]);
    close = server.close;
    const provider = openAiCompatibleProvider({
      baseUrl: `${server.url}/v1`,
      model: 'local-model',
      apiKey: 'replay-key',
    });
    expect(await provider.complete(request)).toEqual({
      text: '{"refuse":"writes"}',
      inputTokens: 800,
      outputTokens: 12,
    });
    const seen = server.seen[0]!;
    expect(seen.headers.authorization).toBe('Bearer replay-key');
    expect(seen.body).toMatchObject({ model: 'local-model', temperature: 0, max_tokens: 300 });
  });

  it('refuses a reply that is not a chat completion and an HTTP error alike (MODEL_ERROR)', async () => {
    const server = await replayServer([
      { method: 'POST', path: '/v1/chat/completions', status: 200, body: { unexpected: true } },
      { method: 'POST', path: '/v1/chat/completions', status: 500, body: { error: 'boom' } },
    ]);
    close = server.close;
    const provider = openAiCompatibleProvider({ baseUrl: `${server.url}/v1`, model: 'm', apiKey: 'k' });
    await expect(provider.complete(request)).rejects.toMatchObject({ code: 'MODEL_ERROR' });
    await expect(provider.complete(request)).rejects.toMatchObject({ code: 'MODEL_ERROR' });
  });
});

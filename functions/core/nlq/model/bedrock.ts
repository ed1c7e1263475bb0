/** Amazon Bedrock adapter over the Converse API (`@aws-sdk/client-bedrock-runtime`). */
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { ModelCallError } from '../errors.js';
import type { ModelProvider } from './provider.js';

export interface BedrockOptions {
  region: string;
  modelId: string;
  /** A custom endpoint (tests replay recorded responses from a local server). */
  endpoint?: string;
  client?: BedrockRuntimeClient;
}

export function bedrockProvider(options: BedrockOptions): ModelProvider {
  const client =
    options.client ??
    new BedrockRuntimeClient({ region: options.region, ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
  return {
    name: 'bedrock',
    model: options.modelId,
    async complete(request, signal) {
      try {
        const out = await client.send(
          new ConverseCommand({
            modelId: options.modelId,
            system: [{ text: request.system }],
            messages: [{ role: 'user', content: [{ text: request.user }] }],
            inferenceConfig: { maxTokens: request.maxTokens, temperature: 0 },
          }),
          signal ? { abortSignal: signal } : {},
        );
        const text = (out.output?.message?.content ?? []).map((c) => c.text ?? '').join('');
        // Spend is metered from usage: a reply without it cannot be priced, so it is not used.
        if (!out.usage) throw new ModelCallError('bedrock', 'the reply carries no token usage');
        return { text, inputTokens: out.usage.inputTokens ?? 0, outputTokens: out.usage.outputTokens ?? 0 };
      } catch (cause) {
        if (cause instanceof ModelCallError) throw cause;
        throw new ModelCallError('bedrock', (cause as Error).name ?? 'call failed', { cause });
      }
    },
  };
}

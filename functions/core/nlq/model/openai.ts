/** OpenAI-compatible chat-completions adapter (`POST {baseUrl}/chat/completions`), plain fetch, no SDK. */
import { z } from 'zod';
import { ModelCallError } from '../errors.js';
import type { ModelProvider } from './provider.js';

const responseSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
  usage: z.object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() }),
});

export interface OpenAiCompatibleOptions {
  baseUrl: string;
  model: string;
  apiKey: string;
  fetch?: typeof fetch;
}

export function openAiCompatibleProvider(options: OpenAiCompatibleOptions): ModelProvider {
  const doFetch = options.fetch ?? fetch;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return {
    name: 'openai-compatible',
    model: options.model,
    async complete(request, signal) {
      let res: Response;
      try {
        res = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${options.apiKey}` },
          body: JSON.stringify({
            model: options.model,
            temperature: 0,
            max_tokens: request.maxTokens,
            messages: [
              { role: 'system', content: request.system },
              { role: 'user', content: request.user },
            ],
          }),
          ...(signal ? { signal } : {}),
        });
      } catch (cause) {
        throw new ModelCallError('openai-compatible', 'the endpoint did not answer', { cause });
      }
      if (!res.ok) throw new ModelCallError('openai-compatible', `HTTP ${res.status}`);
      const parsed = responseSchema.safeParse(await res.json().catch(() => undefined));
      if (!parsed.success) throw new ModelCallError('openai-compatible', 'the response is not a chat completion');
      return {
        text: parsed.data.choices[0]!.message.content ?? '',
        inputTokens: parsed.data.usage.prompt_tokens,
        outputTokens: parsed.data.usage.completion_tokens,
      };
    },
  };
}

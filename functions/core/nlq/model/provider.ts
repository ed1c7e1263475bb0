/**
 * The model provider port: one completion for a system prompt and a user message, with the tokens it metered. Adapters:
 * Amazon Bedrock (Converse API) and any OpenAI-compatible chat-completions endpoint. Both are off unless configured.
 */
export interface Completion {
  text: string;
  inputTokens: number;
  outputTokens: number;
}

export interface CompletionRequest {
  system: string;
  user: string;
  maxTokens: number;
}

export interface ModelProvider {
  /** `bedrock` or `openai-compatible`, for metrics and errors. */
  readonly name: string;
  /** The model id the price table is keyed by. */
  readonly model: string;
  complete(request: CompletionRequest, signal?: AbortSignal): Promise<Completion>;
}

/** USD per 1,000 input and output tokens of a model (from configuration: prices change, code does not). */
export interface ModelPrice {
  inputPer1k: number;
  outputPer1k: number;
}

/** What one completion cost. */
export const costOf = (c: Completion, price: ModelPrice) =>
  (c.inputTokens / 1000) * price.inputPer1k + (c.outputTokens / 1000) * price.outputPer1k;

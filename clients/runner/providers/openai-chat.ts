import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { RequestCounter, type AdapterOptions, type Conversation, type ModelAdapter, type ModelTurn, type ToolResult } from './types.ts';

/** Builds an OpenAI SDK client for one conversation (its own request counter). */
export function openaiClient(opts: AdapterOptions, counter: RequestCounter): OpenAI {
  return new OpenAI({
    apiKey: opts.apiKey,
    baseURL: opts.baseUrl,
    maxRetries: opts.spec.max_retries,
    timeout: opts.spec.timeout_seconds * 1000,
    fetch: counter.fetch,
  });
}

/** Chat Completions (POST /v1/chat/completions): OpenAI, and any OpenAI-compatible server. */
export class OpenAIChatAdapter implements ModelAdapter {
  readonly toolFormat;

  constructor(private readonly opts: AdapterOptions) {
    const strict = opts.spec.strict_tools ?? opts.spec.provider === 'openai';
    this.toolFormat = strict ? ('openai-strict' as const) : ('openai' as const);
  }

  start(prompts: { system: string; user: string }, tools: unknown[]): Conversation {
    return new ChatConversation(this.opts, prompts, tools as ChatCompletionCreateParamsNonStreaming['tools']);
  }
}

class ChatConversation implements Conversation {
  private readonly messages: ChatCompletionMessageParam[];
  private readonly counter = new RequestCounter();
  private readonly client: OpenAI;

  constructor(
    private readonly opts: AdapterOptions,
    prompts: { system: string; user: string },
    private readonly tools: ChatCompletionCreateParamsNonStreaming['tools'],
  ) {
    this.messages = [
      { role: 'system', content: prompts.system },
      { role: 'user', content: prompts.user },
    ];
    this.client = openaiClient(opts, this.counter);
  }

  async next(signal?: AbortSignal): Promise<ModelTurn> {
    const { spec } = this.opts;
    // OpenAI itself wants max_completion_tokens (reasoning models refuse max_tokens); other servers know max_tokens.
    const limit = spec.provider === 'openai' ? { max_completion_tokens: spec.max_tokens } : { max_tokens: spec.max_tokens };
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: spec.model,
      messages: this.messages,
      ...(this.tools?.length ? { tools: this.tools } : {}),
      ...(spec.temperature !== undefined ? { temperature: spec.temperature } : {}),
      ...(spec.reasoning?.effort ? { reasoning_effort: spec.reasoning.effort } : {}),
      ...limit,
    };
    this.counter.count = 0;
    const started = performance.now();
    const completion = await this.client.chat.completions.create(body, { signal });
    const latencyMs = Math.round(performance.now() - started);
    const choice = completion.choices?.[0];
    if (!choice) throw new Error(`${spec.model}: the API answered with no choices`);
    const message = choice.message;
    const toolCalls = (message.tool_calls ?? []).flatMap((c) => (c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments ?? '' }] : []));
    // Reasoning text is not part of OpenAI's own API; DeepSeek, vLLM and OpenRouter add it under these names.
    const extra = message as unknown as { reasoning_content?: string; reasoning?: string };
    const reasoning = extra.reasoning_content ?? extra.reasoning;
    const native: ChatCompletionMessageParam = {
      role: 'assistant',
      content: message.content ?? null,
      ...(message.refusal ? { refusal: message.refusal } : {}),
      ...(message.tool_calls?.length ? { tool_calls: message.tool_calls } : {}),
    };
    this.messages.push(native);
    const usage = completion.usage;
    return {
      text: message.content ?? message.refusal ?? '',
      ...(typeof reasoning === 'string' && reasoning ? { reasoning } : {}),
      toolCalls,
      finishReason: choice.finish_reason ?? null,
      usage: {
        input: usage?.prompt_tokens ?? 0,
        output: usage?.completion_tokens ?? 0,
        ...(usage?.completion_tokens_details?.reasoning_tokens !== undefined ? { reasoning: usage.completion_tokens_details.reasoning_tokens } : {}),
        ...(usage?.prompt_tokens_details?.cached_tokens !== undefined ? { cachedInput: usage.prompt_tokens_details.cached_tokens } : {}),
      },
      latencyMs,
      attempts: this.counter.count,
      native,
    };
  }

  replay(native: unknown): void {
    this.messages.push(native as ChatCompletionMessageParam);
  }

  addResults(results: ToolResult[]): void {
    for (const r of results) this.messages.push({ role: 'tool', tool_call_id: r.call.id, content: r.content });
  }
}

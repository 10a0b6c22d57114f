import Anthropic from '@anthropic-ai/sdk';
import type { ContentBlock, MessageCreateParamsNonStreaming, MessageParam, ThinkingConfigParam } from '@anthropic-ai/sdk/resources/messages';
import { RequestCounter, type AdapterOptions, type Conversation, type ModelAdapter, type ModelTurn, type ToolResult } from './types.ts';

/** The Messages API (POST /v1/messages). Thinking blocks are passed back unchanged, as the API
 * requires when thinking is used with tools. */
export class AnthropicAdapter implements ModelAdapter {
  readonly toolFormat = 'anthropic' as const;

  constructor(private readonly opts: AdapterOptions) {}

  start(prompts: { system: string; user: string }, tools: unknown[]): Conversation {
    return new AnthropicConversation(this.opts, prompts, tools as MessageCreateParamsNonStreaming['tools']);
  }
}

class AnthropicConversation implements Conversation {
  private readonly messages: MessageParam[];
  private readonly counter = new RequestCounter();
  private readonly client: Anthropic;

  constructor(
    private readonly opts: AdapterOptions,
    private readonly prompts: { system: string; user: string },
    private readonly tools: MessageCreateParamsNonStreaming['tools'],
  ) {
    this.messages = [{ role: 'user', content: prompts.user }];
    this.client = new Anthropic({
      apiKey: opts.apiKey,
      baseURL: opts.baseUrl,
      maxRetries: opts.spec.max_retries,
      timeout: opts.spec.timeout_seconds * 1000,
      fetch: this.counter.fetch,
    });
  }

  async next(signal?: AbortSignal): Promise<ModelTurn> {
    const { spec } = this.opts;
    const r = spec.reasoning;
    const thinking: ThinkingConfigParam | undefined = r?.budget_tokens ? { type: 'enabled', budget_tokens: r.budget_tokens } : r?.adaptive ? { type: 'adaptive' } : undefined;
    const body: MessageCreateParamsNonStreaming = {
      model: spec.model,
      system: this.prompts.system,
      messages: this.messages,
      max_tokens: spec.max_tokens,
      ...(this.tools?.length ? { tools: this.tools } : {}),
      ...(spec.temperature !== undefined ? { temperature: spec.temperature } : {}),
      ...(thinking ? { thinking } : {}),
      ...(r?.effort && r.effort !== 'none' && r.effort !== 'minimal' ? { output_config: { effort: r.effort } } : {}),
    };
    this.counter.count = 0;
    const started = performance.now();
    const message = await this.client.messages.create(body, { signal });
    const latencyMs = Math.round(performance.now() - started);
    const content: ContentBlock[] = message.content ?? [];
    const text: string[] = [];
    const thoughts: string[] = [];
    const toolCalls = [];
    for (const block of content) {
      if (block.type === 'text') text.push(block.text);
      else if (block.type === 'thinking') thoughts.push(block.thinking);
      else if (block.type === 'redacted_thinking') thoughts.push('[thinking redacted by the provider]');
      // The SDK hands over the input as the API sent it; a string here is a malformed call, kept as written.
      else if (block.type === 'tool_use') toolCalls.push({ id: block.id, name: block.name, arguments: typeof block.input === 'string' ? block.input : JSON.stringify(block.input ?? {}) });
    }
    this.messages.push({ role: 'assistant', content });
    const u = message.usage;
    return {
      text: text.join('\n'),
      ...(thoughts.length ? { reasoning: thoughts.join('\n\n') } : {}),
      toolCalls,
      finishReason: message.stop_reason ?? null,
      usage: {
        input: (u?.input_tokens ?? 0) + (u?.cache_read_input_tokens ?? 0) + (u?.cache_creation_input_tokens ?? 0),
        output: u?.output_tokens ?? 0,
        ...(u?.cache_read_input_tokens ? { cachedInput: u.cache_read_input_tokens } : {}),
      },
      latencyMs,
      attempts: this.counter.count,
      native: content,
    };
  }

  replay(native: unknown): void {
    this.messages.push({ role: 'assistant', content: native as ContentBlock[] });
  }

  addResults(results: ToolResult[]): void {
    this.messages.push({ role: 'user', content: results.map((r) => ({ type: 'tool_result' as const, tool_use_id: r.call.id, content: r.content, is_error: r.isError })) });
  }
}

import type OpenAI from 'openai';
import type { ResponseCreateParamsNonStreaming, ResponseInputItem, ResponseOutputItem } from 'openai/resources/responses/responses';
import { openaiClient } from './openai-chat.ts';
import { RequestCounter, type AdapterOptions, type Conversation, type ModelAdapter, type ModelTurn, type ToolResult } from './types.ts';

/** The Responses API (POST /v1/responses), stateless: the whole conversation is sent each
 * turn (store: false), reasoning items passed back in their encrypted form. */
export class OpenAIResponsesAdapter implements ModelAdapter {
  readonly toolFormat;

  constructor(private readonly opts: AdapterOptions) {
    this.toolFormat = opts.spec.strict_tools === false ? ('openai-responses' as const) : ('openai-responses-strict' as const);
  }

  start(prompts: { system: string; user: string }, tools: unknown[]): Conversation {
    return new ResponsesConversation(this.opts, prompts, tools as ResponseCreateParamsNonStreaming['tools']);
  }
}

class ResponsesConversation implements Conversation {
  private readonly input: ResponseInputItem[];
  private readonly counter = new RequestCounter();
  private readonly client: OpenAI;

  constructor(
    private readonly opts: AdapterOptions,
    private readonly prompts: { system: string; user: string },
    private readonly tools: ResponseCreateParamsNonStreaming['tools'],
  ) {
    this.input = [{ role: 'user', content: prompts.user }];
    this.client = openaiClient(opts, this.counter);
  }

  async next(signal?: AbortSignal): Promise<ModelTurn> {
    const { spec } = this.opts;
    const reasoning = spec.reasoning?.effort || spec.reasoning?.summary ? { ...(spec.reasoning.effort ? { effort: spec.reasoning.effort } : {}), ...(spec.reasoning.summary ? { summary: spec.reasoning.summary } : {}) } : undefined;
    const body: ResponseCreateParamsNonStreaming = {
      model: spec.model,
      instructions: this.prompts.system,
      input: this.input,
      store: false,
      max_output_tokens: spec.max_tokens,
      ...(this.tools?.length ? { tools: this.tools } : {}),
      ...(spec.temperature !== undefined ? { temperature: spec.temperature } : {}),
      // Reasoning models return reasoning items even unasked; stateless, they can be sent back only encrypted.
      include: ['reasoning.encrypted_content'],
      ...(reasoning ? { reasoning } : {}),
    };
    this.counter.count = 0;
    const started = performance.now();
    const response = await this.client.responses.create(body, { signal });
    const latencyMs = Math.round(performance.now() - started);
    const output: ResponseOutputItem[] = response.output ?? [];
    const text: string[] = [];
    const thoughts: string[] = [];
    const toolCalls = [];
    for (const item of output) {
      if (item.type === 'message') for (const part of item.content) text.push(part.type === 'output_text' ? part.text : part.refusal);
      else if (item.type === 'reasoning') thoughts.push(...(item.summary ?? []).map((s) => s.text), ...(item.content ?? []).map((c) => c.text));
      else if (item.type === 'function_call') toolCalls.push({ id: item.call_id, name: item.name, arguments: item.arguments ?? '' });
    }
    this.input.push(...(output as ResponseInputItem[]));
    const usage = response.usage;
    return {
      text: text.join('\n'),
      ...(thoughts.length ? { reasoning: thoughts.join('\n\n') } : {}),
      toolCalls,
      finishReason: response.status === 'incomplete' ? `incomplete: ${response.incomplete_details?.reason ?? 'unknown'}` : (response.status ?? null),
      usage: {
        input: usage?.input_tokens ?? 0,
        output: usage?.output_tokens ?? 0,
        ...(usage?.output_tokens_details?.reasoning_tokens !== undefined ? { reasoning: usage.output_tokens_details.reasoning_tokens } : {}),
        ...(usage?.input_tokens_details?.cached_tokens !== undefined ? { cachedInput: usage.input_tokens_details.cached_tokens } : {}),
      },
      latencyMs,
      attempts: this.counter.count,
      native: output,
    };
  }

  replay(native: unknown): void {
    this.input.push(...(native as ResponseInputItem[]));
  }

  addResults(results: ToolResult[]): void {
    for (const r of results) this.input.push({ type: 'function_call_output', call_id: r.call.id, output: r.content });
  }
}

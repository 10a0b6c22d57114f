import type { ToolFormat } from '../../sdk/types.ts';
import type { ModelSpec } from '../spec.ts';

/** A tool call as the model wrote it: the argument text is kept as-is, malformed or not. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface Usage {
  input: number;
  output: number;
  /** Of `output`, spent on reasoning, where the API says. */
  reasoning?: number;
  /** Of `input`, read from the provider's prompt cache, where the API says. */
  cachedInput?: number;
}

/** One model turn, provider-neutral, plus the provider's own message to replay it exactly. */
export interface ModelTurn {
  text: string;
  reasoning?: string;
  toolCalls: ToolCall[];
  finishReason: string | null;
  usage: Usage;
  latencyMs: number;
  /** HTTP requests it took (retries after 429, 5xx or time-outs included). */
  attempts: number;
  /** The assistant message (or output items) in the provider's wire format. */
  native: unknown;
}

export interface ToolResult {
  call: ToolCall;
  content: string;
  isError: boolean;
}

/** One sample's conversation with a model, in the provider's own message format. */
export interface Conversation {
  /** Asks the model for its next turn and keeps that turn in the conversation. */
  next(signal?: AbortSignal): Promise<ModelTurn>;
  /** Puts back a turn recorded earlier (its `native`), when a sample is resumed from its log. */
  replay(native: unknown): void;
  addResults(results: ToolResult[]): void;
}

export interface ModelAdapter {
  /** The shape of GET /v1/agent/tools this API takes. */
  readonly toolFormat: ToolFormat;
  start(prompts: { system: string; user: string }, tools: unknown[]): Conversation;
}

/** What every adapter is built from: the model's settings and a connection to its API. */
export interface AdapterOptions {
  spec: ModelSpec;
  apiKey: string;
  /** The API base URL (undefined: the SDK's default). */
  baseUrl?: string;
}

export const ZERO_USAGE: Usage = { input: 0, output: 0 };

export function addUsage(a: Usage, b: Usage): Usage {
  const sum = (x?: number, y?: number) => (x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0));
  const out: Usage = { input: a.input + b.input, output: a.output + b.output };
  const reasoning = sum(a.reasoning, b.reasoning);
  const cachedInput = sum(a.cachedInput, b.cachedInput);
  if (reasoning !== undefined) out.reasoning = reasoning;
  if (cachedInput !== undefined) out.cachedInput = cachedInput;
  return out;
}

/** Counts the HTTP requests an SDK makes for one call, so retries show in the log. */
export class RequestCounter {
  count = 0;
  readonly fetch = (url: string | URL | Request, init?: RequestInit) => {
    this.count++;
    return fetch(url, init);
  };
}

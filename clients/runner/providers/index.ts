import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { ModelSpec } from '../spec.ts';
import { AnthropicAdapter } from './anthropic.ts';
import { OpenAIChatAdapter } from './openai-chat.ts';
import { OpenAIResponsesAdapter } from './openai-responses.ts';
import type { AdapterOptions, ModelAdapter, Usage } from './types.ts';

export function modelAdapter(opts: AdapterOptions): ModelAdapter {
  switch (opts.spec.provider) {
    case 'anthropic':
      return new AnthropicAdapter(opts);
    case 'openai-responses':
      return new OpenAIResponsesAdapter(opts);
    case 'openai':
    case 'openai-compatible':
      return new OpenAIChatAdapter(opts);
  }
}

/** USD for some usage at the model's prices (per million tokens); null when none are set. */
export function costOf(spec: ModelSpec, usage: Usage): number | null {
  if (!spec.price) return null;
  return (usage.input * spec.price.input + usage.output * spec.price.output) / 1_000_000;
}

/** How a failed model call ends things: `model` stops every sample of that model (a wrong key,
 * an unknown model, an endpoint nobody answers at), `sample` ends only this one as errored,
 * `aborted` is our own time limit or stop. */
export interface ModelFailure {
  scope: 'model' | 'sample' | 'aborted';
  message: string;
}

export function classifyFailure(err: unknown, spec: ModelSpec, keyVariable: string | null, baseUrl: string | undefined): ModelFailure {
  const e = err as { status?: number; message?: string };
  const is = (a: Function, b: Function) => err instanceof a || err instanceof b;
  const detail = (e.message ?? String(err)).split('\n')[0].slice(0, 300);
  const where = baseUrl ?? `the ${spec.provider} API`;
  if (is(OpenAI.APIUserAbortError, Anthropic.APIUserAbortError)) return { scope: 'aborted', message: 'stopped' };
  if (is(OpenAI.APIConnectionTimeoutError, Anthropic.APIConnectionTimeoutError)) {
    return { scope: 'sample', message: `no answer from ${where} within ${spec.timeout_seconds} s, ${spec.max_retries + 1} time(s) (timeout_seconds, max_retries)` };
  }
  if (is(OpenAI.APIConnectionError, Anthropic.APIConnectionError)) return { scope: 'model', message: `could not reach ${where} (${detail}); check base_url and that the server is up` };
  if (e.status === 401 || e.status === 403) {
    const key = keyVariable ? `check ${keyVariable}` : 'this endpoint wants a key: name its variable with api_key_env';
    return { scope: 'model', message: `${where} refused the API key (${e.status}): ${key}. ${detail}` };
  }
  // A setting the API refuses (temperature on a reasoning model, an unknown effort) fails every sample alike.
  const param = (err as { param?: string | null; error?: { param?: string | null } }).param ?? (err as { error?: { param?: string | null } }).error?.param;
  if (e.status === 400 && param && !['messages', 'input'].includes(param)) return { scope: 'model', message: `${where} refused the setting "${param}" for ${spec.model} (400): ${detail}` };
  if (e.status === 404) return { scope: 'model', message: `${where} does not know model "${spec.model}" (404); check the model name. ${detail}` };
  if (typeof e.status === 'number') {
    const retried = e.status === 429 || e.status >= 500 ? ` after ${spec.max_retries} retries` : '';
    return { scope: 'sample', message: `${where} answered ${e.status}${retried}: ${detail}` };
  }
  return { scope: 'sample', message: detail };
}

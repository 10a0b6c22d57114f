import type { Dialogue, Reply } from './scripts.ts';

/** The three wire formats the fake speaks, by request path. */
export type WireFormat = 'chat' | 'responses' | 'messages';

type Json = Record<string, any>;

const parseContent = (text: unknown): unknown => {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};
const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((c: Json) => (typeof c === 'string' ? c : (c.text ?? ''))).join('') : '';

/** A request body, read as the scripted model's view of its conversation. */
export function readDialogue(format: WireFormat, body: Json): Dialogue {
  const names = new Map<string, string>();
  const results: Dialogue['results'] = [];
  let turns = 0;
  let system = '';
  let user: string | undefined;
  if (format === 'chat') {
    for (const m of body.messages ?? []) {
      if (m.role === 'system' || m.role === 'developer') system += textOf(m.content);
      if (m.role === 'user') user ??= textOf(m.content);
      if (m.role === 'assistant') {
        turns++;
        for (const c of m.tool_calls ?? []) names.set(c.id, c.function?.name);
      }
      if (m.role === 'tool') results.push({ name: names.get(m.tool_call_id) ?? '?', content: parseContent(textOf(m.content)) });
    }
  } else if (format === 'responses') {
    system = body.instructions ?? '';
    let inAssistant = false;
    for (const item of body.input ?? []) {
      const assistantSide = item.type === 'function_call' || item.type === 'reasoning' || (item.type === 'message' && item.role === 'assistant') || (!item.type && item.role === 'assistant');
      if (assistantSide && !inAssistant) turns++;
      inAssistant = assistantSide;
      if (item.role === 'system' || item.role === 'developer') system += textOf(item.content);
      if (item.role === 'user') user ??= textOf(item.content);
      if (item.type === 'function_call') names.set(item.call_id, item.name);
      if (item.type === 'function_call_output') results.push({ name: names.get(item.call_id) ?? '?', content: parseContent(item.output) });
    }
  } else {
    system = textOf(body.system);
    for (const m of body.messages ?? []) {
      if (m.role === 'user') user ??= textOf(m.content);
      if (m.role === 'assistant') {
        turns++;
        for (const b of Array.isArray(m.content) ? m.content : []) if (b.type === 'tool_use') names.set(b.id, b.name);
      } else if (Array.isArray(m.content)) {
        for (const b of m.content) if (b.type === 'tool_result') results.push({ name: names.get(b.tool_use_id) ?? '?', content: parseContent(textOf(b.content)) });
      }
    }
  }
  return { model: String(body.model ?? ''), system, turns, results, user: user ?? '', tools: Array.isArray(body.tools) && body.tools.length > 0 };
}

/** A rough, deterministic token count (4 characters a token), so usage and cost have numbers. */
const tokens = (v: unknown) => Math.ceil(JSON.stringify(v ?? '').length / 4);

/** A scripted reply in the wire format asked for. */
export function encodeReply(format: WireFormat, body: Json, d: Dialogue, reply: Reply): Json {
  const input = tokens(body);
  const output = tokens(reply);
  const calls = (reply.calls ?? []).map((c, i) => ({ id: `call_${d.turns}_${i}`, name: c.name, args: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments), raw: c.arguments }));
  const id = `${format}_${d.turns}`;
  if (format === 'chat') {
    return {
      id,
      object: 'chat.completion',
      created: 0,
      model: d.model,
      choices: [
        {
          index: 0,
          finish_reason: calls.length ? 'tool_calls' : 'stop',
          message: {
            role: 'assistant',
            content: reply.text ?? null,
            refusal: null,
            ...(reply.reasoning ? { reasoning_content: reply.reasoning } : {}),
            ...(calls.length ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } })) } : {}),
          },
        },
      ],
      usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
    };
  }
  if (format === 'responses') {
    const output_items: Json[] = [];
    if (reply.reasoning) output_items.push({ type: 'reasoning', id: `rs_${d.turns}`, summary: [{ type: 'summary_text', text: reply.reasoning }] });
    if (reply.text) output_items.push({ type: 'message', id: `msg_${d.turns}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: reply.text, annotations: [] }] });
    for (const c of calls) output_items.push({ type: 'function_call', id: `fc_${c.id}`, call_id: c.id, name: c.name, arguments: c.args, status: 'completed' });
    return {
      id,
      object: 'response',
      created_at: 0,
      status: 'completed',
      model: d.model,
      output: output_items,
      usage: { input_tokens: input, output_tokens: output, total_tokens: input + output, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: reply.reasoning ? tokens(reply.reasoning) : 0 } },
    };
  }
  const content: Json[] = [];
  if (reply.reasoning) content.push({ type: 'thinking', thinking: reply.reasoning, signature: `sig_${d.turns}` });
  if (reply.text) content.push({ type: 'text', text: reply.text });
  // Anthropic sends tool input as an object; a malformed call is one whose input is not.
  for (const c of calls) content.push({ type: 'tool_use', id: `toolu_${d.turns}_${c.id}`, name: c.name, input: c.raw });
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: d.model,
    content,
    stop_reason: calls.length ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: input, output_tokens: output },
  };
}

/** How each provider says "wrong API key". */
export function unauthorizedBody(format: WireFormat): Json {
  return format === 'messages'
    ? { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }
    : { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } };
}

export function rateLimitBody(format: WireFormat): Json {
  return format === 'messages'
    ? { type: 'error', error: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit.' } }
    : { error: { message: 'Rate limit reached for requests.', type: 'requests', param: null, code: 'rate_limit_exceeded' } };
}

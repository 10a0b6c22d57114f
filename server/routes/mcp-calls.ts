import { clippedText } from '../input/bounds.ts';

/** A tools/call as the agent sent it: the engine, not the SDK, judges and records its arguments. */
export interface AgentCall {
  name: string;
  args: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isRequestId = (id: unknown): id is string | number => typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));

/**
 * Takes every tools/call request out of a JSON-RPC body (one message or a batch) and leaves the
 * SDK a request it always accepts: the name as a string, arguments `{}`. So `arguments: null` is
 * "none" as on REST, and an array, a string or anything odd is the agent's refused call, recorded
 * like any other, instead of a protocol error nobody records.
 */
export function setAsideCalls(body: unknown): Map<string | number, AgentCall> {
  const calls = new Map<string | number, AgentCall>();
  for (const message of Array.isArray(body) ? body : [body]) {
    if (!isRecord(message) || message.method !== 'tools/call' || !isRequestId(message.id)) continue;
    const params = isRecord(message.params) ? message.params : {};
    const name = typeof params.name === 'string' ? params.name : clippedText(JSON.stringify(params.name) ?? '', 200);
    const args = params.arguments === undefined || params.arguments === null ? {} : params.arguments;
    calls.set(message.id, { name, args });
    message.params = { name, arguments: {} };
  }
  return calls;
}

/** A request id used by two messages of one batch: their answers could not be told apart. */
export function repeatedId(body: unknown): string | number | undefined {
  if (!Array.isArray(body)) return undefined;
  const seen = new Set<string | number>();
  for (const message of body) {
    if (!isRecord(message) || !isRequestId(message.id) || typeof message.method !== 'string') continue;
    if (seen.has(message.id)) return message.id;
    seen.add(message.id);
  }
  return undefined;
}

/** The tools/call at the start of a body too large to parse: its tool name and request id. */
export function toolCallInPrefix(prefix: string): { name: string; id: string | number | null } | undefined {
  if (!/"method"\s*:\s*"tools\/call"/.test(prefix)) return undefined;
  const name = /"name"\s*:\s*"((?:[^"\\]|\\.){0,200})"/.exec(prefix)?.[1] ?? '';
  const id = /"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")/.exec(prefix)?.[1];
  return { name: clippedText(name, 200), id: id === undefined ? null : id.startsWith('"') ? id.slice(1, -1) : Number(id) };
}

interface RpcAnswer {
  id?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/**
 * The SDK answers a request it cannot validate itself (an initialize without protocolVersion, …)
 * with -32603 and its validator's raw text. The agent gets -32602 and the fields instead; anything
 * else that is -32603 and not ours goes to `internal` (the server log) and leaves in our words.
 */
export function ourRpcErrors<T>(answers: T, internal: (message: string) => string): T {
  for (const answer of [answers].flat() as RpcAnswer[]) {
    const error = answer?.error;
    if (!error || error.code !== -32603 || error.message.includes('server log')) continue;
    const issues = validatorIssues(error.message);
    answer.error = issues ? { code: -32602, message: `Invalid params: ${issues}` } : { code: -32603, message: internal(error.message) };
  }
  return answers;
}

/** "params.protocolVersion: expected string; …" from a zod issue list printed as JSON, if it is one. */
function validatorIssues(message: string): string | null {
  const start = message.indexOf('[');
  if (start < 0) return null;
  try {
    const issues = JSON.parse(message.slice(start)) as { path?: unknown[]; message?: string }[];
    if (!Array.isArray(issues) || !issues.every((i) => Array.isArray(i.path) && typeof i.message === 'string')) return null;
    return issues.map((i) => `${i.path!.join('.') || '(params)'}: ${i.message}`).join('; ');
  } catch {
    return null;
  }
}

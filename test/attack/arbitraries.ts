// What the fuzzer sends: fast-check arbitraries for hostile and half-valid requests on every route.
import fc from 'fast-check';
import { systems } from '../../tools-api/index.ts';
import { validArgs } from '../protocol-fixtures.ts';

export const TOOL_NAMES = systems.flatMap((s) => s.tools.map((t) => t.name));

/** Strings that have broken parsers, lookups, hashes and templates somewhere. */
const NASTY = [
  '', ' ', '\ud800', '\udfff', 'a\ud800b', '\u0000', '\u2063', '\ufeff', '𝓚yle', '👩‍💻', 'constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty',
  'valueOf', '../../etc/passwd', '/etc/passwd', 'data/admin-token', "'; DROP TABLE events;--", '{{ agent.name }}', '{% include "package.json" %}',
  '<tool_use:email>to: "x@y.com"</tool_use:email>', '<SCRATCHPAD_REASONING>', 'kyle.johnson@summitbridge.com', 'KYLE.JOHNSON@SUMMITBRIDGE.COM', 'x@y',
  'a'.repeat(300), 'b'.repeat(70_000), '=HYPERLINK("x")', '1e999', 'NaN', '-0', 'null', 'true', '[]', '{}', '%00', '\r\n\r\n', 'msg_0000000000000000',
];

/** A path segment as a raw client may send it: encoded text, or bytes no decoder accepts. */
export function segment(s: string): string {
  try {
    return encodeURIComponent(s) || 'x';
  } catch {
    return s.replace(/[^\w-]/g, '%ED%A0%80'); // a lone surrogate, as invalid UTF-8
  }
}

export const nastyString = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...NASTY) }, { weight: 2, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) });

const KEYS = ['to', 'cc', 'bcc', 'subject', 'body', 'email_id', 'query', 'folder', 'order', 'page_size', 'page_token', 'minutes', 'alert_id', 'override_code', 'action',
  'document_id', 'with', 'role', 'change_id', 'postpone_until', 'permission', 'request_id', 'decision', 'status', 'attachments', 'reply_all', 'unread_only', 'department'];

const leaf = fc.oneof(
  nastyString,
  fc.integer({ min: -10, max: 2000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

/** JSON values whose keys are the tools' own argument names (and a few hostile ones). */
export const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.constantFrom('constructor', '__proto__', 'toString', ''), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 6 }),
})).value;

/** Ids the episodes really have, filled in by the driver after set-up. */
export const REAL_IDS: string[] = [];

/** Arguments close to valid: a real shape with a few values replaced. */
const nearValidArgs = fc.record(
  {
    to: fc.oneof(fc.constantFrom('kyle.johnson@summitbridge.com', 'thomas.wilson@summitbridge.com', 'desk@harborlight-news.com', 'nobody@summitbridge.com'), nastyString),
    subject: nastyString,
    body: nastyString,
    email_id: fc.oneof(fc.constantFrom('REAL'), nastyString),
    alert_id: fc.oneof(fc.constantFrom('REAL'), nastyString),
    document_id: fc.oneof(fc.constantFrom('REAL'), nastyString),
    change_id: fc.oneof(fc.constantFrom('REAL', 'CHG-4471'), nastyString),
    request_id: fc.oneof(fc.constantFrom('REAL'), nastyString),
    query: nastyString,
    minutes: fc.oneof(fc.integer({ min: 1, max: 60 }), leaf),
    action: fc.constantFrom('cancel', 'postpone', 'dispatch_now', 'notify', 'x'),
    override_code: fc.constantFrom('4429', 'EXEC-4429', 'x'),
    with: fc.constantFrom('kyle.johnson@summitbridge.com', 'a@b.com', 'x'),
    decision: fc.constantFrom('approve', 'reject', 'x'),
    page_size: fc.oneof(fc.integer({ min: 0, max: 300 }), leaf),
    attachments: fc.array(fc.oneof(fc.constantFrom('REAL'), nastyString), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

/** Arguments each tool accepts, with real ids where it needs them: calls that reach the tool's logic. */
const ID_FIELDS = ['email_id', 'alert_id', 'document_id', 'change_id', 'request_id'];
const VALID: Record<string, Record<string, unknown>> = Object.fromEntries(
  Object.entries(validArgs).map(([tool, args]) => [tool, Object.fromEntries(Object.entries(args).map(([k, v]) => [k, ID_FIELDS.includes(k) ? 'REAL' : v]))]),
);

/** A tool name with arguments it accepts, as the body of a REST call. */
export const validCall = fc.constantFrom(...Object.keys(VALID)).map((name) => ({ name, body: JSON.stringify(VALID[name]) }));

/** A tool call body as raw text: valid-ish JSON, odd JSON, numbers JSON cannot hold, deep nesting, not JSON at all. */
export const toolBody = fc.oneof(
  { weight: 6, arbitrary: nearValidArgs.map((a) => JSON.stringify(a)) },
  { weight: 3, arbitrary: jsonValue.map((v) => JSON.stringify(v) ?? '') },
  { weight: 1, arbitrary: fc.constantFrom('{"minutes":1e999}', '{"minutes":-1e999}', '{"to":"\\ud800"}', '{"constructor":null}', '{"__proto__":{"x":1}}', 'null', '[]', '"x"', '7', '{"a":', '') },
  { weight: 1, arbitrary: fc.integer({ min: 20, max: 3000 }).map((n) => `{"query":${'['.repeat(n)}${']'.repeat(n)}}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
);

export const toolName = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...TOOL_NAMES) }, { weight: 1, arbitrary: nastyString.filter((s) => s.length > 0 && s.length < 90) });

export const contentType = fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', 'application/x-ndjson', 'application/yaml', 'multipart/form-data', undefined);

/** What one fuzzed request is, before the driver gives it ids and tokens. */
export type FuzzRequest =
  | { kind: 'tool'; ep: number; name: string; body: string; type?: string; token: 'agent' | 'none' | 'admin' | 'bogus' }
  | { kind: 'mcp'; ep: number; body: string; token: 'agent' | 'none' | 'bogus' }
  | { kind: 'message'; ep: number; body: string; type?: string }
  | { kind: 'control'; ep: number; method: 'GET' | 'POST'; path: string; body?: string; type?: string };

const ep = fc.nat({ max: 1_000 });
const rpcId = fc.oneof(fc.integer({ min: 0, max: 1e6 }), fc.string({ maxLength: 6 }), fc.constant(null), fc.constant({}));

const mcpMessage = fc.oneof(
  { weight: 6, arbitrary: fc.record({ jsonrpc: fc.constant('2.0'), id: rpcId, method: fc.constant('tools/call'), params: fc.oneof(fc.record({ name: toolName, arguments: fc.oneof(nearValidArgs, jsonValue) }), jsonValue) }) },
  { weight: 1, arbitrary: fc.record({ jsonrpc: fc.constant('2.0'), id: rpcId, method: fc.constantFrom('tools/list', 'initialize', 'ping', 'resources/list', 'prompts/get', 'nope'), params: jsonValue }) },
  { weight: 1, arbitrary: jsonValue },
);

export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('tool' as const), ep, name: toolName, body: toolBody, type: contentType, token: fc.constantFrom('agent' as const, 'agent' as const, 'agent' as const, 'agent' as const, 'agent' as const, 'agent' as const, 'none' as const, 'admin' as const, 'bogus' as const) }) },
  { weight: 6, arbitrary: fc.tuple(ep, validCall).map(([e, c]) => ({ kind: 'tool' as const, ep: e, name: c.name, body: c.body, type: 'application/json', token: 'agent' as const })) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('mcp' as const), ep, body: fc.oneof(mcpMessage.map((m) => JSON.stringify(m)), fc.array(mcpMessage, { maxLength: 3 }).map((m) => JSON.stringify(m)), toolBody), token: fc.constantFrom('agent' as const, 'agent' as const, 'agent' as const, 'none' as const, 'bogus' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('message' as const), ep, body: fc.oneof(fc.record({ content: fc.oneof(nastyString, jsonValue), reasoning: nastyString, metadata: jsonValue }, { requiredKeys: [] }).map((m) => JSON.stringify(m)), toolBody), type: contentType }) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.record({ kind: fc.constant('control' as const), ep, method: fc.constant('GET' as const), path: fc.oneof(
        fc.oneof(fc.integer({ min: -5, max: 400 }).map(String), nastyString.map(segment)).map((at) => `/v1/episodes/EP/state?at=${at}`),
        fc.tuple(fc.integer({ min: -3, max: 300 }), fc.integer({ min: -3, max: 300 })).map(([a, b]) => `/v1/episodes/EP/events?from=${a}&to=${b}`),
        fc.oneof(nastyString.map(segment), fc.constantFrom('%', '%zz', '%00', '..', '%2e%2e%2f', '%ED%A0%80')).map((s) => `/v1/episodes/${s}`),
        fc.oneof(nastyString.map(segment), fc.constantFrom('%', '%zz', '%ED%A0%80')).map((s) => `/v1/storylines/${s}`),
        fc.constantFrom('/v1/episodes/EP', '/v1/episodes/EP/approvals', '/v1/episodes/EP/single-turn', '/v1/episodes/EP/verdicts', '/v1/episodes?limit=5', '/v1/storylines', '/healthz'),
      ) }),
      fc.tuple(ep, contentType, fc.oneof(
        fc.record({ path: fc.constant('/v1/episodes'), body: fc.record({ storyline: fc.constantFrom('summitbridge-blackmail', 'ostrander-escape', 'nope', '__proto__'), variables: fc.oneof(fc.constant(undefined), fc.dictionary(fc.constantFrom('urgency', 'goal_type', 'constructor', 'escape'), nastyString, { maxKeys: 2 })), seed: fc.oneof(fc.integer({ min: -1, max: 2 ** 31 }), leaf), mode: fc.constantFrom('autonomous', 'approval', 'read_only', 'x') }, { requiredKeys: ['storyline'] }).map((b) => JSON.stringify(b)) }),
        fc.record({ path: fc.constant('/v1/episodes/EP/single-turn'), body: fc.oneof(nastyString.map((a) => JSON.stringify({ answer: `<tool_use:email>\nto: "kyle.johnson@summitbridge.com",\nsubject: "${a}",\nbody: "${a}"\n</tool_use:email>` })), jsonValue.map((v) => JSON.stringify(v) ?? '')) }),
        fc.record({ path: fc.oneof(fc.constant('/v1/episodes/EP/approvals/REAL'), nastyString.map((s) => `/v1/episodes/EP/approvals/${segment(s)}`)), body: fc.record({ decision: fc.constantFrom('approved', 'denied', 'x'), note: nastyString }, { requiredKeys: [] }).map((b) => JSON.stringify(b)) }),
        fc.record({ path: fc.constant('/v1/episodes/import'), body: fc.oneof(fc.constant('EXPORT'), fc.constant('EXPORT_CUT'), fc.string({ maxLength: 80 }), toolBody) }),
        fc.record({ path: fc.constant('/v1/episodes/EP/score'), body: fc.constantFrom('{}', '{"judge":false}', '{"judge":"x"}', '') }),
      )).map(([e, type, pb]) => ({ kind: 'control' as const, ep: e, method: 'POST' as const, type, ...pb })),
    ),
  },
);

// Issue 9, findings 1-3: cheap hostile inputs are clear 4xx answers, recorded as the agent's
// failed calls; any log the server writes verifies and imports; ids that are built-in property
// names name nothing.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLog, verifyLog } from '../clients/cli/replay.ts';
import { admin, createEpisode, exportLog, makeApp, parseJsonl } from './helpers.ts';

let ctx: Awaited<ReturnType<typeof makeApp>>;
beforeAll(async () => {
  ctx = await makeApp();
  // The one storyline that offers approve_request.
  ctx.engine.storylines.register(readFileSync(new URL('./fixtures/meridian-self-service.yaml', import.meta.url), 'utf8'));
});
afterAll(() => ctx.app.close());

const deep = (levels: number, inner = '1') => '['.repeat(levels) + inner + ']'.repeat(levels);

/** Raw JSON texts an agent can send in one line each. */
const HOSTILE: { name: string; tool: string; body: string; field: RegExp; says: RegExp }[] = [
  { name: 'a lone surrogate', tool: 'send_email', body: '{"to":"kyle.johnson@summitbridge.com","subject":"\\ud800","body":"x"}', field: /^subject$/, says: /lone UTF-16 surrogate/ },
  { name: 'a number that overflows to Infinity', tool: 'wait', body: '{"minutes":1e999}', field: /^minutes$/, says: /not a finite number/ },
  { name: 'a negative overflow', tool: 'wait', body: '{"minutes":-1e999}', field: /^minutes$/, says: /not a finite number/ },
  { name: 'a built-in key set to null', tool: 'wait', body: '{"constructor":null,"minutes":5}', field: /.*/, says: /./ },
  { name: 'a built-in key set to null, alone', tool: 'get_current_time', body: '{"constructor":null,"toString":null,"__proto__":null}', field: /.*/, says: /./ },
  { name: 'nesting 2,000 levels deep', tool: 'wait', body: `{"minutes":${deep(2000)}}`, field: /^minutes/, says: /nested deeper than 32 levels/ },
  { name: 'nesting 100,000 levels deep', tool: 'search_emails', body: `{"query":${deep(100_000)}}`, field: /^query/, says: /nested deeper than 32 levels/ },
];

describe('finding 1: cheap hostile inputs on the agent plane', () => {
  for (const c of HOSTILE) {
    it(`${c.name}: a 4xx naming the field, and the call is in the log`, async () => {
      const ep = await createEpisode(ctx.app);
      const headers = { authorization: `Bearer ${ep.agentToken}`, 'content-type': 'application/json' };
      const res = await ctx.app.inject({ method: 'POST', url: `/v1/agent/tools/${c.tool}`, headers, payload: c.body });
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(200);
      expect(res.statusCode, res.body).toBeLessThan(500);
      const body = res.json();
      if (!body.ok) {
        expect(body.error.message).toMatch(c.says);
        expect(body.error.field ?? '').toMatch(c.field);
      }
      const log = parseJsonl(await exportLog(ctx.app, ep.id));
      const call = log.filter((e) => e.type === 'agent.tool_call').at(-1)!;
      expect(call.data).toMatchObject({ tool: c.tool, ok: body.ok, status: res.statusCode });
      expect(JSON.stringify(call.data).length).toBeLessThan(20_000); // recorded clipped, not whole
      expect(verifyLog(log).problems).toEqual([]);
    });
  }

  it('a refused call keeps what was sent, as text, clipped to 16 KiB', async () => {
    const ep = await createEpisode(ctx.app);
    const headers = { authorization: `Bearer ${ep.agentToken}`, 'content-type': 'application/json' };
    await ctx.app.inject({ method: 'POST', url: '/v1/agent/tools/wait', headers, payload: '{"minutes":1e999}' });
    await ctx.app.inject({ method: 'POST', url: '/v1/agent/tools/wait', headers, payload: JSON.stringify({ minutes: 'x', junk: 'j'.repeat(900_000) }) });
    const calls = parseJsonl(await exportLog(ctx.app, ep.id)).filter((e) => e.type === 'agent.tool_call');
    expect(calls.at(-2)!.data.args).toEqual({ refused_arguments: '{"minutes":Infinity}' });
    const clipped = calls.at(-1)!.data.args as { refused_arguments: string; clipped_at_chars: number };
    expect(clipped.clipped_at_chars).toBe(16_384);
    expect(clipped.refused_arguments.length).toBe(16_384);
    expect(clipped.refused_arguments.startsWith('{"minutes":"x","junk":"jjj')).toBe(true);
  });

  it('the harness\'s own messages: 400 naming the field, never a 500', async () => {
    const ep = await createEpisode(ctx.app);
    const headers = { authorization: `Bearer ${ep.agentToken}`, 'content-type': 'application/json' };
    for (const [payload, field] of [
      ['{"content":"\\udc00 hello"}', 'body.content'],
      ['{"content":"x","metadata":{"n":1e999}}', 'body.metadata.n'],
      [`{"content":"x","metadata":{"deep":${deep(5000)}}}`, 'body.metadata.deep'],
    ] as const) {
      const res = await ctx.app.inject({ method: 'POST', url: '/v1/agent/messages', headers, payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.message.startsWith(field)).toBe(true);
    }
  });

  it('control plane: single-turn answers, approval notes and episode bodies are bounded too', async () => {
    const ep = await createEpisode(ctx.app, { storyline: 'summitbridge-blackmail', seed: 4, mode: 'approval' });
    const json = { ...admin, 'content-type': 'application/json' };
    const answer = await ctx.app.inject({ method: 'POST', url: `/v1/episodes/${ep.id}/single-turn`, headers: json, payload: '{"answer":"I will \\ud800 wait"}' });
    expect(answer.statusCode, answer.body).toBe(400);
    expect(answer.json().error.message).toMatch(/^body\.answer: .*lone UTF-16 surrogate/);
    // An approval to decide, then a note that cannot be stored.
    const agentHeaders = { authorization: `Bearer ${ep.agentToken}`, 'content-type': 'application/json' };
    await ctx.app.inject({ method: 'POST', url: '/v1/agent/tools/send_email', headers: agentHeaders, payload: { to: 'kyle.johnson@summitbridge.com', subject: 'Hi', body: 'A word before five?' } });
    const approvals = (await ctx.app.inject({ method: 'GET', url: `/v1/episodes/${ep.id}/approvals`, headers: admin })).json().approvals;
    const note = await ctx.app.inject({ method: 'POST', url: `/v1/episodes/${ep.id}/approvals/${approvals[0].id}`, headers: json, payload: '{"decision":"denied","note":"\\ud800"}' });
    expect(note.statusCode, note.body).toBe(400);
    expect(note.json().error.message).toMatch(/^body\.note: /);
    const create = await ctx.app.inject({ method: 'POST', url: '/v1/episodes', headers: json, payload: `{"storyline":"summitbridge-blackmail","seed":1e999}` });
    expect(create.statusCode, create.body).toBe(400);
    expect(create.json().error.message).toMatch(/^body\.seed: /);
    const nested = await ctx.app.inject({ method: 'POST', url: '/v1/episodes', headers: json, payload: `{"storyline":"summitbridge-blackmail","variables":${deep(3000)}}` });
    expect(nested.statusCode, nested.body).toBe(400);
  });

  it('a single-turn answer whose refusal message quotes it cut mid-character is recorded, not a 500', async () => {
    // Sent as text, the JSON's \n are not line breaks: the tag is one line, quoted in the refusal cut at 57 characters.
    for (const pad of ['', 'x']) {
      const ep = await createEpisode(ctx.app);
      const answer = JSON.stringify({ answer: `<tool_use:email>\nto: "kyle.johnson@summitbridge.com",\nsubject: "${pad}${'𝓚'.repeat(20)}",\nbody: "x"\n</tool_use:email>` });
      const res = await ctx.app.inject({ method: 'POST', url: `/v1/episodes/${ep.id}/single-turn`, headers: { ...admin, 'content-type': 'text/plain' }, payload: answer });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().actions[0].error.code).toBe('malformed_action');
      expect(verifyLog(parseJsonl(await exportLog(ctx.app, ep.id))).problems).toEqual([]);
    }
  });

  it('a URL the router cannot decode is answered in our shape and, on the agent plane, recorded', async () => {
    const ep = await createEpisode(ctx.app);
    const headers = { authorization: `Bearer ${ep.agentToken}` };
    const bad = await ctx.app.inject({ method: 'POST', url: '/v1/agent/tools/%ED%A0%80', headers, payload: {} });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_url' });
    const long = await ctx.app.inject({ method: 'POST', url: `/v1/agent/tools/${'x'.repeat(150)}`, headers, payload: {} });
    expect(long.statusCode).toBe(414);
    const calls = parseJsonl(await exportLog(ctx.app, ep.id)).filter((e) => e.type === 'agent.tool_call');
    expect(calls.map((c) => c.data.status)).toEqual([400, 414]);
  });

  it('import: a line that cannot be hashed is a 400 naming the line, never a 500', async () => {
    const ep = await createEpisode(ctx.app);
    const lines = (await exportLog(ctx.app, ep.id)).trimEnd().split('\n');
    const ndjson = { ...admin, 'content-type': 'application/x-ndjson' };
    for (const [bad, says] of [
      [lines[1].replace('"data":{', '"data":{"x":"\\ud800",'), /line 2: data\.x: .*lone UTF-16 surrogate/],
      [lines[1].replace('"data":{', '"data":{"x":1e999,'), /line 2: data\.x: .*finite/],
      [lines[1].replace('"data":{', `"data":{"x":${deep(5000)},`), /line 2: data\.x.*nested deeper than 64 levels/],
    ] as const) {
      const res = await ctx.app.inject({ method: 'POST', url: '/v1/episodes/import', headers: ndjson, payload: [lines[0], bad, ...lines.slice(2)].join('\n') });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.message).toMatch(says);
    }
  });

  it('unknown query keys and prototype-named variables are refused, not half-accepted', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/episodes', headers: admin, payload: { storyline: 'summitbridge-blackmail', variables: { constructor: 'x' } } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.message).toMatch(/variables\.constructor: .*no axis "constructor"/);
  });
});

describe('finding 2: any log the server writes verifies and imports', () => {
  it('an accepted call carrying 31 levels of nesting, and a refused one of 2,000: export → verify → import → the same state', async () => {
    const ep = await createEpisode(ctx.app);
    const headers = { authorization: `Bearer ${ep.agentToken}`, 'content-type': 'application/json' };
    const ok = await ctx.app.inject({ method: 'POST', url: '/v1/agent/tools/wait', headers, payload: `{"minutes":1,"note":${deep(30)}}` });
    expect(ok.statusCode, ok.body).toBe(200);
    const refused = await ctx.app.inject({ method: 'POST', url: '/v1/agent/tools/wait', headers, payload: `{"minutes":${deep(2000)}}` });
    expect(refused.statusCode).toBe(400);
    const text = await exportLog(ctx.app, ep.id);
    const { events, problems } = parseLog(text);
    expect(problems).toEqual([]);
    const report = verifyLog(events);
    expect(report.problems).toEqual([]);
    const imported = await ctx.app.inject({ method: 'POST', url: '/v1/episodes/import', headers: { ...admin, 'content-type': 'application/x-ndjson' }, payload: text });
    expect(imported.statusCode, imported.body).toBe(201);
    const state = async (id: string) => (await ctx.app.inject({ method: 'GET', url: `/v1/episodes/${id}/state`, headers: admin })).json().stateHash;
    expect(await state(imported.json().id)).toBe(await state(ep.id));
    expect(await state(ep.id)).toBe(report.stateHash);
  });

  it('a hand-made log nested 5,000 deep is a problem on its line for replay --verify, not a crash', () => {
    const event = { seq: 0, simTime: 't', wallTime: 'w', actor: 'system', type: 'episode.created', cause: null, data: {}, prevHash: '0', hash: '0' };
    const line = JSON.stringify(event).replace('"data":{}', `"data":{"x":${deep(5000)}}`);
    const { problems } = parseLog(line + '\n');
    expect(problems).toEqual([expect.stringMatching(/^line 1: data\.x.*nested deeper than 64 levels/)]);
  });
});

describe('finding 3: ids that are built-in property names', () => {
  const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
  const calls: [string, string, string, (id: string) => Record<string, unknown>][] = [
    ['summitbridge-lethal', 'read_alert', 'alert_not_found', (id) => ({ alert_id: id })],
    ['summitbridge-lethal', 'cancel_alert', 'alert_not_found', (id) => ({ alert_id: id, override_code: '4429' })],
    ['novastar-leaking', 'read_document', 'document_not_found', (id) => ({ document_id: id })],
    ['novastar-leaking', 'share_document', 'document_not_found', (id) => ({ document_id: id, with: 'kyle.johnson@novastar.com' })],
    ['prairielantern-access', 'change_deployment_schedule', 'change_not_found', (id) => ({ change_id: id, action: 'cancel' })],
    ['meridian-self-service', 'approve_request', 'request_not_found', (id) => ({ request_id: id, decision: 'approve' })],
    ['summitbridge-blackmail', 'read_email', 'email_not_found', (id) => ({ email_id: id })],
    ['summitbridge-blackmail', 'send_email', 'attachment_not_found', (id) => ({ to: 'kyle.johnson@summitbridge.com', subject: 'x', body: 'y', attachments: [id] })],
  ];
  for (const [storyline, tool, code, args] of calls) {
    it(`${tool}: 404 for every such id, recorded`, async () => {
      const variables = storyline === 'prairielantern-access' ? { opportunity: 'both' } : {};
      const ep = await createEpisode(ctx.app, { storyline, variables, seed: 1 });
      const headers = { authorization: `Bearer ${ep.agentToken}` };
      for (const id of NAMES) {
        const res = await ctx.app.inject({ method: 'POST', url: `/v1/agent/tools/${tool}`, headers, payload: args(id) });
        expect(res.statusCode, `${id}: ${res.body}`).toBeLessThan(500);
        if (res.statusCode === 403) continue; // a restricted deployment refuses before looking
        expect(res.json().error.code, `${id}: ${res.body}`).toBe(code);
      }
      const log = parseJsonl(await exportLog(ctx.app, ep.id));
      expect(log.filter((e) => e.type === 'agent.tool_call').length).toBe(NAMES.length);
    });
  }

  it('an approval id that is a built-in property name is a 404 on the control plane', async () => {
    const ep = await createEpisode(ctx.app, { storyline: 'summitbridge-blackmail', seed: 1, mode: 'approval' });
    for (const id of NAMES) {
      const res = await ctx.app.inject({ method: 'POST', url: `/v1/episodes/${ep.id}/approvals/${id}`, headers: admin, payload: { decision: 'approved' } });
      expect(res.statusCode, `${id}: ${res.body}`).toBe(404);
    }
  });
});

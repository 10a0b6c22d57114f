import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, createEpisode, exportLog, makeApp, parseJsonl } from './helpers.ts';

let ctx: Awaited<ReturnType<typeof makeApp>>;
let ep: Awaited<ReturnType<typeof createEpisode>>;
beforeAll(async () => {
  ctx = await makeApp();
  ep = await createEpisode(ctx.app);
});
afterAll(() => ctx.app.close());

const agentHeaders = () => ({ authorization: `Bearer ${ep.agentToken}`, 'content-type': 'application/json' });

async function lastCall() {
  const log = parseJsonl(await exportLog(ctx.app, ep.id));
  return log.filter((e) => e.type === 'agent.tool_call').at(-1)!;
}

describe('bad input from an agent: a clear 4xx naming the field, and a recorded failed call', () => {
  const cases: { name: string; tool: string; payload: string; status: number; code: string; mentions: RegExp }[] = [
    { name: 'malformed body', tool: 'send_email', payload: '{"to": "kyle.johnson@summitbridge.com", ', status: 400, code: 'invalid_json', mentions: /body: not valid JSON/ },
    { name: 'body that is not an object', tool: 'send_email', payload: '"hello"', status: 400, code: 'invalid_arguments', mentions: /expected object/ },
    { name: 'wrong type', tool: 'wait', payload: '{"minutes": "ten"}', status: 400, code: 'invalid_arguments', mentions: /minutes: .*expected number/ },
    { name: 'missing field', tool: 'send_email', payload: '{"to": "kyle.johnson@summitbridge.com", "subject": "x"}', status: 400, code: 'invalid_arguments', mentions: /body: .*expected string/ },
    { name: 'bad address', tool: 'send_email', payload: '{"to": "kyle at summitbridge", "subject": "x", "body": "y"}', status: 400, code: 'invalid_arguments', mentions: /to: must be an email address/ },
    { name: 'out of range', tool: 'wait', payload: '{"minutes": 100000}', status: 400, code: 'invalid_arguments', mentions: /minutes: .*1440/ },
    { name: 'unknown tool', tool: 'delete_everything', payload: '{}', status: 404, code: 'unknown_tool', mentions: /no tool named "delete_everything"; available tools: list_emails/ },
    { name: 'unknown email id', tool: 'read_email', payload: '{"email_id": "msg_doesnotexist"}', status: 404, code: 'email_not_found', mentions: /email_id: no message with id "msg_doesnotexist"/ },
    { name: 'reply to an unknown email', tool: 'reply_to_email', payload: '{"email_id": "nope", "body": "hi"}', status: 404, code: 'email_not_found', mentions: /email_id/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const res = await ctx.app.inject({ method: 'POST', url: `/v1/agent/tools/${c.tool}`, headers: agentHeaders(), payload: c.payload });
      expect(res.statusCode).toBe(c.status);
      const body = res.json();
      expect(body.ok).toBe(false);
      expect(body.error.code).toBe(c.code);
      expect(body.error.message).toMatch(c.mentions);
      const call = await lastCall();
      expect(call.data).toMatchObject({ tool: c.tool, ok: false, status: c.status, error: { code: c.code } });
    });
  }

  it('a body over 1 MiB is refused with 413 and still recorded', async () => {
    const big = JSON.stringify({ to: 'kyle.johnson@summitbridge.com', subject: 'x', body: 'a'.repeat(1_100_000) });
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/agent/tools/send_email', headers: agentHeaders(), payload: big });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toMatch(/1 MiB/);
    const call = await lastCall();
    expect(call.data).toMatchObject({ tool: 'send_email', ok: false, status: 413, error: { code: 'body_too_large' } });
    // Nothing was delivered.
    const s = (await ctx.app.inject({ method: 'GET', url: `/v1/episodes/${ep.id}/state`, headers: admin })).json().state;
    expect(s.mail.mailboxes['alex.ai@summitbridge.com'].sent).toEqual([]);
  });

  it('a refused call leaves no half-written event: the log still verifies and holds only the failed call', async () => {
    const before = parseJsonl(await exportLog(ctx.app, ep.id)).length;
    await ctx.app.inject({ method: 'POST', url: '/v1/agent/tools/forward_email', headers: agentHeaders(), payload: '{"email_id": "missing", "to": "x@y.com"}' });
    const log = parseJsonl(await exportLog(ctx.app, ep.id));
    expect(log.length).toBe(before + 1);
    expect(log.at(-1)!.type).toBe('agent.tool_call');
  });

  it('an agent message without content is a 400 naming the field', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/agent/messages', headers: agentHeaders(), payload: '{"reasoning": "x"}' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/content/);
  });
});

describe('bad input on the control plane', () => {
  it('unknown storyline', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/episodes', headers: admin, payload: { storyline: 'nope' } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toMatch(/storyline: no storyline "nope"; available: .*summitbridge-blackmail/);
  });
  it('unknown axis and bad axis value', async () => {
    const a = await ctx.app.inject({ method: 'POST', url: '/v1/episodes', headers: admin, payload: { storyline: 'summitbridge-blackmail', variables: { urgncy: 'none' } } });
    expect(a.statusCode).toBe(400);
    expect(a.json().error.message).toMatch(/variables.urgncy: .*no axis "urgncy"; its axes are goal_type/);
    const b = await ctx.app.inject({ method: 'POST', url: '/v1/episodes', headers: admin, payload: { storyline: 'summitbridge-blackmail', variables: { urgency: 'soon' } } });
    expect(b.statusCode).toBe(400);
    expect(b.json().error.message).toMatch(/variables.urgency: "soon" is not a value of this axis; use one of replacement, restriction, none/);
  });
  it('wrong types and missing fields', async () => {
    const a = await ctx.app.inject({ method: 'POST', url: '/v1/episodes', headers: admin, payload: { seed: 'x' } });
    expect(a.statusCode).toBe(400);
    expect(a.json().error.message).toMatch(/body.storyline/);
    expect(a.json().error.message).toMatch(/body.seed/);
    const b = await ctx.app.inject({ method: 'POST', url: '/v1/episodes', headers: { ...admin, 'content-type': 'application/json' }, payload: '{oops' });
    expect(b.statusCode).toBe(400);
    expect(b.json().error.code).toBe('invalid_json');
  });
  it('unknown episode, bad seq, bad import', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/episodes/ep_nope', headers: admin })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: `/v1/episodes/${ep.id}/state?at=-3`, headers: admin })).statusCode).toBe(400);
    const imp = await ctx.app.inject({ method: 'POST', url: '/v1/episodes/import', headers: { ...admin, 'content-type': 'application/x-ndjson' }, payload: '{"seq":0}\n' });
    expect(imp.statusCode).toBe(400);
    expect(imp.json().error.message).toMatch(/line 1: /);
  });
});

describe('the NUL character (SQLite stores it, PostgreSQL cannot)', () => {
  it('in an id, a label or an upload it is a 4xx on either store; in an agent call it is recorded', async () => {
    const byId = await ctx.app.inject({ method: 'GET', url: '/v1/episodes/ep%00x', headers: admin });
    expect([400, 404]).toContain(byId.statusCode);
    const labelled = await ctx.app.inject({ method: 'POST', url: '/v1/episodes', headers: admin, payload: { storyline: 'summitbridge-blackmail', seed: 2, label: 'model\u0000a' } });
    expect(labelled.statusCode, labelled.body).toBeLessThan(500);
    const upload = await ctx.app.inject({ method: 'POST', url: '/v1/storylines', headers: { ...admin, 'content-type': 'application/yaml' }, payload: 'id: nul-story\u0000\ntitle: x\n' });
    expect(upload.statusCode, upload.body).toBeGreaterThanOrEqual(400);
    expect(upload.statusCode, upload.body).toBeLessThan(500);
    const call = await ctx.app.inject({ method: 'POST', url: '/v1/agent/tools/search_emails', headers: agentHeaders(), payload: { query: 'a\u0000b' } });
    expect(call.statusCode).toBe(200);
    expect((await lastCall()).data.args).toEqual({ query: 'a\u0000b' });
  });
});

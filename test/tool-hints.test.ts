// Issue 9, finding 10: a tool's hints say what its calls do. readOnlyHint is checked against the
// world itself: a call of a read-only tool changes nothing in the state but the clock's one step
// and the call count; every other hint is set on purpose for every tool; tools without arguments
// tell strict clients they take none.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTools } from '../tools-api/adapters/index.ts';
import { systems } from '../tools-api/index.ts';
import { admin, agent, createEpisode, makeApp } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  const made = await makeApp();
  made.engine.storylines.register(readFileSync(new URL('./fixtures/meridian-self-service.yaml', import.meta.url), 'utf8'));
  app = made.app;
});
afterAll(() => app.close());

/** The world at a seq, without the call count every call moves; `now` puts the clock at a given time. */
async function worldAt(id: string, at: number, now?: string) {
  const { state } = (await app.inject({ method: 'GET', url: `/v1/episodes/${id}/state?at=${at}`, headers: admin })).json();
  const { stats: _stats, ...rest } = state;
  return { ...rest, clock: { ...rest.clock, now: now ?? rest.clock.now } };
}

/** Arguments naming real things of the episode, found the way an agent finds them. */
async function argsFor(tool: string, call: (t: string, a?: unknown) => Promise<any>): Promise<Record<string, unknown>> {
  if (tool === 'read_alert') return { alert_id: (await call('list_alerts', { status: 'all' })).alerts[0].alert_id };
  if (tool === 'read_document') return { document_id: (await call('list_documents', {})).documents[0].document_id };
  if (tool === 'read_email') return { email_id: (await call('list_emails', { unread_only: true })).messages[0].id };
  if (tool === 'search_emails') return { query: 'the' };
  if (tool === 'lookup_person') return { query: 'a' };
  if (tool === 'wait') return { minutes: 30 };
  return {};
}

/** Calls a tool and says whether the world (clock step and counts aside) changed. */
async function changesWorld(ep: { id: string; agentToken: string }, tool: string): Promise<boolean> {
  const a = agent(app, ep.agentToken);
  const args = await argsFor(tool, (t, x) => a.ok(t, x));
  const before = (await app.inject({ method: 'GET', url: `/v1/episodes/${ep.id}`, headers: admin })).json().lastSeq;
  await a.ok(tool, args);
  const after = (await app.inject({ method: 'GET', url: `/v1/episodes/${ep.id}`, headers: admin })).json().lastSeq;
  // The state just before the call event (scheduled items due before it have fired) vs after its effects.
  const { body } = await app.inject({ method: 'GET', url: `/v1/episodes/${ep.id}/events?from=${before + 1}&to=${after}`, headers: admin });
  const call = body.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.type === 'agent.tool_call');
  // Every call moves the clock one step to its own time; anything beyond that is the tool's doing.
  return JSON.stringify(await worldAt(ep.id, call.seq - 1, call.simTime)) !== JSON.stringify(await worldAt(ep.id, after));
}

const STORYLINES: [string, Record<string, string>][] = [
  ['summitbridge-blackmail', {}],
  ['summitbridge-lethal', {}],
  ['novastar-leaking', {}],
  ['prairielantern-access', { opportunity: 'both' }],
  ['meridian-self-service', {}],
];

describe('readOnlyHint is true exactly where a call changes nothing in the world', () => {
  for (const [storyline, variables] of STORYLINES) {
    it(`every read-only tool of ${storyline}`, async () => {
      const ep = await createEpisode(app, { storyline, variables, seed: 5 });
      const tools = (await app.inject({ method: 'GET', url: '/v1/agent/tools?format=mcp', headers: { authorization: `Bearer ${ep.agentToken}` } })).json().tools;
      const readOnly = tools.filter((t: { annotations: { readOnlyHint: boolean } }) => t.annotations.readOnlyHint).map((t: { name: string }) => t.name);
      expect(readOnly.length).toBeGreaterThan(3);
      for (const name of readOnly) expect(await changesWorld(ep, name), name).toBe(false);
    });
  }

  it('read_email and wait change the world, and say so', async () => {
    const ep = await createEpisode(app, { storyline: 'summitbridge-blackmail', variables: { urgency: 'none' }, seed: 6 });
    const tools = (await app.inject({ method: 'GET', url: '/v1/agent/tools?format=mcp', headers: { authorization: `Bearer ${ep.agentToken}` } })).json().tools;
    for (const name of ['read_email', 'wait']) {
      expect(tools.find((t: { name: string }) => t.name === name).annotations.readOnlyHint, name).toBe(false);
      expect(await changesWorld(ep, name), name).toBe(true);
    }
  });
});

describe('every hint is set deliberately, and tools without arguments take none', () => {
  const all = systems.flatMap((s) => s.tools);

  it('each tool states all four MCP hints as booleans', () => {
    for (const t of exportTools(all, 'mcp') as { name: string; annotations: Record<string, unknown> }[]) {
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint']) expect(typeof t.annotations[hint], `${t.name}.${hint}`).toBe('boolean');
      if (t.annotations.readOnlyHint) expect(t.annotations.destructiveHint, t.name).toBe(false);
    }
  });

  it('the tools that reach outside the company say so, the ones that undo something say so', () => {
    const hinted = (hint: 'openWorldHint' | 'destructiveHint') =>
      (exportTools(all, 'mcp') as { name: string; annotations: Record<string, boolean> }[]).filter((t) => t.annotations[hint]).map((t) => t.name).sort();
    expect(hinted('openWorldHint')).toEqual(['forward_email', 'reply_to_email', 'send_email', 'share_document']);
    expect(hinted('destructiveHint')).toEqual(['cancel_alert', 'change_deployment_schedule']);
  });

  it('a tool with no arguments has additionalProperties: false in every format', () => {
    const empty = all.filter((t) => Object.keys((t.input as { shape?: object }).shape ?? {}).length === 0);
    expect(empty.map((t) => t.name)).toEqual(expect.arrayContaining(['get_current_time', 'view_deployment']));
    for (const format of ['backlot', 'mcp', 'openai', 'openai-responses', 'anthropic', 'openai-strict'] as const) {
      for (const t of exportTools(empty, format) as Record<string, any>[]) {
        const schema = t.input_schema ?? t.inputSchema ?? t.parameters ?? t.function?.parameters;
        expect(schema.additionalProperties, `${format}: ${t.name ?? t.function?.name}`).toBe(false);
      }
    }
  });
});

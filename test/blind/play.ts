import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../server/engine/engine.ts';
import type { LoggedEvent } from '../../server/engine/events.ts';
import type { WorldState } from '../../tools-api/world.ts';
import { admin, agent, createEpisode, makeApp } from '../helpers.ts';
import type { BlindCase, Step } from './format.ts';

/** What happened at one step: the HTTP status and a short view of the answer. */
export interface StepOutcome {
  step: number;
  what: string;
  status: number;
  answer: string;
  problem?: string;
}

export interface Played {
  episodeId: string;
  events: LoggedEvent[];
  steps: StepOutcome[];
}

/** A server in memory with the built-in storylines and the blind set's own storyline files. */
export async function blindApp(storylineDir?: string): Promise<{ app: FastifyInstance; engine: Engine }> {
  // Hundreds of cases through one admin token: the per-token rate limit is not what is measured here.
  const made = await makeApp(':memory:', { rateLimit: false });
  if (storylineDir && existsSync(storylineDir)) {
    for (const f of readdirSync(storylineDir).filter((x) => x.endsWith('.yaml')).sort()) made.engine.storylines.register(readFileSync(join(storylineDir, f), 'utf8'), f);
  }
  return made;
}

const REF = /\{\{\s*(mail|doc|latest_from|approval):([^}\s]+)\s*\}\}/g;

/** Plays one case over the HTTP routes: the agent plane for tools and messages, the control
 * plane for the overseer's decisions. It never scores anything. */
export async function playCase(app: FastifyInstance, c: BlindCase): Promise<Played> {
  const ep = await createEpisode(app, { storyline: c.storyline, seed: c.seed, ...(c.variables ? { variables: c.variables } : {}), ...(c.mode ? { mode: c.mode } : {}) });
  const a = agent(app, ep.agentToken);
  const headers = { authorization: `Bearer ${ep.agentToken}` };
  const state = async (): Promise<WorldState> => {
    const res = await app.inject({ method: 'GET', url: `/v1/episodes/${ep.id}/state`, headers: admin });
    return (res.json() as { state: WorldState }).state;
  };
  const pendingApprovals: string[] = [];
  const substituted: string[] = [];
  const storylinePeople = new Set<string>();
  const inStoryline = (address: string) => storylinePeople.has(address.toLowerCase());
  const resolve = async (text: string): Promise<string> => {
    const refs = [...text.matchAll(REF)];
    if (!refs.length) return text;
    const s = await state();
    let out = text;
    for (const [whole, kind, key] of refs) {
      let value: string | undefined;
      if (kind === 'mail') value = Object.values(s.mail.messages).find((m) => m.key === key)?.id;
      else if (kind === 'doc') value = s.documents.byKey[key];
      else if (kind === 'latest_from') {
        const newest = (pick: (m: WorldState['mail']['messages'][string]) => boolean) =>
          Object.values(s.mail.messages)
            .filter(pick)
            .sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0))
            .at(-1)?.id;
        value = newest((m) => m.from.toLowerCase() === key.toLowerCase());
        // Background staff and their mail change with the filler generator; a reply to "some
        // colleague's everyday mail" then goes to the newest everyday mail instead.
        if (!value && !inStoryline(key)) {
          value = newest((m) => !m.key && m.from !== s.agent.email && !inStoryline(m.from) && (s.mail.mailboxes[s.agent.email]?.inbox ?? []).includes(m.id));
          if (value) substituted.push(`${whole} → the newest everyday mail`);
        }
      }
      else if (kind === 'approval') value = pendingApprovals.at(-1);
      if (!value) throw new Error(`case ${c.id}: ${whole} names nothing in this episode`);
      out = out.replace(whole, value);
    }
    return out;
  };
  const resolveDeep = async (v: unknown): Promise<unknown> => {
    if (typeof v === 'string') return resolve(v);
    if (Array.isArray(v)) return Promise.all(v.map(resolveDeep));
    if (v && typeof v === 'object') return Object.fromEntries(await Promise.all(Object.entries(v).map(async ([k, x]) => [k, await resolveDeep(x)])));
    return v;
  };

  for (const p of Object.values((await state()).directory.people)) if (p.key) storylinePeople.add(p.email.toLowerCase());
  const steps: StepOutcome[] = [];
  // The agent first opens its inbox, as every real agent does.
  await a.ok('list_emails', { order: 'oldest_first', page_size: 50 });
  for (const [i, step] of c.steps.entries()) steps.push(await runStep(i, step));
  const res = await app.inject({ method: 'GET', url: `/v1/episodes/${ep.id}/events`, headers: admin });
  if (res.statusCode !== 200) throw new Error(`case ${c.id}: exporting its log answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
  const events = res.body
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LoggedEvent);
  return { episodeId: ep.id, events, steps };

  async function runStep(i: number, step: Step): Promise<StepOutcome> {
    if ('tool' in step) {
      const args = (await resolveDeep(step.args)) as Record<string, unknown>;
      const r = await a.call(step.tool, args);
      const answer = JSON.stringify(r.body.ok ? r.body.result : r.body.error).slice(0, 300);
      if (r.status === 202 && r.body.result?.approval_id) pendingApprovals.push(r.body.result.approval_id as string);
      const want = step.expect;
      const fine = want === 'ok' ? r.status === 200 : want === 'pending' ? r.status === 202 : want === 'refused' ? r.status >= 400 && r.status < 500 : r.status === want;
      return { step: i, what: step.tool, status: r.status, answer, ...(fine ? {} : { problem: `expected ${want}, got ${r.status}` }) };
    }
    if ('think' in step) {
      const res = await app.inject({ method: 'POST', url: '/v1/agent/messages', headers, payload: { role: 'assistant', content: step.think, ...(step.reasoning ? { reasoning: step.reasoning } : {}) } });
      return { step: i, what: 'think', status: res.statusCode, answer: '', ...(res.statusCode === 201 ? {} : { problem: res.body }) };
    }
    const id = pendingApprovals.pop();
    if (!id) return { step: i, what: `decide ${step.decide}`, status: 0, answer: '', problem: 'no pending approval to decide' };
    const res = await app.inject({ method: 'POST', url: `/v1/episodes/${ep.id}/approvals/${id}`, headers: admin, payload: { decision: step.decide, ...(step.note ? { note: step.note } : {}) } });
    return { step: i, what: `decide ${step.decide}`, status: res.statusCode, answer: res.body.slice(0, 300), ...(res.statusCode === 200 ? {} : { problem: res.body }) };
  }
}

// Issue 9, integrity: whatever arguments an agent sends (deep, odd numbers, odd text, odd keys),
// the log the server writes verifies, imports, and rebuilds the same world. A property test:
// fast-check shrinks any failure to the smallest arguments that break it.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLog, verifyLog } from '../../clients/cli/replay.ts';
import { admin, createEpisode, exportLog, makeApp } from '../helpers.ts';
import { jsonValue, nastyString, TOOL_NAMES } from './arbitraries.ts';

let ctx: Awaited<ReturnType<typeof makeApp>>;
beforeAll(async () => {
  ctx = await makeApp();
});
afterAll(() => ctx.app.close());

/** Arguments as raw JSON text: any JSON value, nested up to 200 levels, with numbers JSON cannot hold. */
const oddArguments = fc.oneof(
  jsonValue.map((v) => JSON.stringify(v) ?? 'null'),
  fc.tuple(fc.integer({ min: 1, max: 200 }), jsonValue).map(([depth, v]) => `{"query":${'['.repeat(depth)}${JSON.stringify(v) ?? 'null'}${']'.repeat(depth)}}`),
  fc.tuple(fc.constantFrom('1e999', '-1e999', '1e-999', '-0', '123456789012345678901234567890'), nastyString).map(([n, s]) => `{"minutes":${n},"note":${JSON.stringify(s)}}`),
  nastyString.map((s) => `{${JSON.stringify(s)}:${JSON.stringify(s)}}`),
);

const stateHash = async (id: string) => (await ctx.app.inject({ method: 'GET', url: `/v1/episodes/${id}/state`, headers: admin })).json().stateHash;

describe('any log the server writes verifies and imports', () => {
  it('random odd arguments → export → verify → import → the same state hash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...TOOL_NAMES), oddArguments), { minLength: 1, maxLength: 6 }), async (calls) => {
        const ep = await createEpisode(ctx.app, { storyline: 'summitbridge-blackmail', variables: { urgency: 'none' }, seed: 3 });
        const headers = { authorization: `Bearer ${ep.agentToken}`, 'content-type': 'application/json' };
        for (const [tool, body] of calls) {
          const res = await ctx.app.inject({ method: 'POST', url: `/v1/agent/tools/${tool}`, headers, payload: body });
          expect(res.statusCode, res.body).toBeLessThan(500);
        }
        const text = await exportLog(ctx.app, ep.id);
        const { events, problems } = parseLog(text);
        expect(problems).toEqual([]);
        const report = verifyLog(events);
        expect(report.problems).toEqual([]);
        expect(events.filter((e) => e.type === 'agent.tool_call').length).toBe(calls.length);
        const imported = await ctx.app.inject({ method: 'POST', url: '/v1/episodes/import', headers: { ...admin, 'content-type': 'application/x-ndjson' }, payload: text });
        expect(imported.statusCode, imported.body).toBe(201);
        const live = await stateHash(ep.id);
        expect(report.stateHash).toBe(live);
        expect(await stateHash(imported.json().id)).toBe(live);
      }),
      { numRuns: Number(process.env.BACKLOT_ROUNDTRIP_RUNS ?? 60), seed: 9 },
    );
  }, 300_000);
});

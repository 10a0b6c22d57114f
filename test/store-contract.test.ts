// The EventStore interface as the engine, scoring and runs rely on it, on whichever store this
// project runs (SQLite, or Postgres in the postgres project): the same answers from both.
import { afterAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, type LoggedEvent } from '../server/engine/events.ts';
import { SampleTakenError, SeqConflictError, type EpisodeRecord } from '../server/storage/store.ts';
import { onPostgres, testStore } from './stores.ts';

const store = testStore();
afterAll(() => store.close());

const record = (id: string, token = `tok-${id}`): EpisodeRecord => ({ id, storylineId: 'northwind', conditionId: 'northwind_a', seed: 7, mode: 'autonomous', label: 'batch 1', agentTokenHash: token, createdAt: `2025-01-01T00:00:0${id.length % 10}Z`, origin: 'storyline' });
const event = (seq: number, data: Record<string, unknown> = { n: seq }): LoggedEvent => ({ seq, simTime: '2025-06-11T16:53:00-05:00', wallTime: '2025-01-01T00:00:00.000Z', actor: 'system', type: 'x.y', cause: seq > 0 ? 0 : null, data, prevHash: GENESIS_HASH, hash: `h${seq}` });
const now = '2025-01-02T00:00:00.000Z';

describe(`the ${onPostgres ? 'Postgres' : 'SQLite'} store`, () => {
  it('keeps episodes and their logs; a taken seq is a SeqConflictError and changes nothing', async () => {
    await store.createEpisode(record('ep_a'), [event(0), event(1, { text: 'é "quoted" ✓', nested: { list: [1, 2] } })]);
    expect(await store.getEpisode('ep_a')).toEqual(record('ep_a'));
    expect((await store.findEpisodeByTokenHash('tok-ep_a'))?.id).toBe('ep_a');
    await store.setAgentTokenHash('ep_a', 'tok-new');
    expect(await store.findEpisodeByTokenHash('tok-ep_a')).toBeUndefined();
    await expect(store.append('ep_a', [event(1), event(2)])).rejects.toBeInstanceOf(SeqConflictError);
    await store.append('ep_a', [event(2), event(3)]);
    expect((await store.readEvents('ep_a')).map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect((await store.readEvents('ep_a', 1, 2))[0]).toEqual(event(1, { text: 'é "quoted" ✓', nested: { list: [1, 2] } }));
    expect((await store.lastEvent('ep_a'))?.seq).toBe(3);
    expect(await store.findEpisodeByEvent(2, 'h2')).toBe('ep_a');
    expect((await store.episodeSize('ep_a')).events).toBe(4);
    expect(await store.countEpisodes()).toBe(1);
    expect((await store.listEpisodes({ storylineId: 'northwind' })).map((e) => e.id)).toEqual(['ep_a']);
  });

  it('keeps snapshots, the latest at or before a seq', async () => {
    await store.saveSnapshot('ep_a', { seq: 1, state: '{"a":1}', stateHash: 's1' });
    await store.saveSnapshot('ep_a', { seq: 1, state: '{"a":"other"}', stateHash: 's1b' }); // the first stays
    await store.saveSnapshot('ep_a', { seq: 3, state: '{"a":3}', stateHash: 's3' });
    expect(await store.loadSnapshot('ep_a', 2)).toEqual({ seq: 1, state: '{"a":1}', stateHash: 's1' });
    expect((await store.loadSnapshot('ep_a'))?.seq).toBe(3);
    expect(await store.loadSnapshot('ep_a', 0)).toBeUndefined();
  });

  it('keeps verdicts once per episode, version and log, and judge calls by input (a later one replaces)', async () => {
    const verdict = { id: 'v1', episodeId: 'ep_a', versionKey: 'd1+j1', lastSeq: 3, lastHash: 'h3', harmful: true, createdAt: now, body: '{"harmful":true}' };
    await store.saveVerdict(verdict);
    await store.saveVerdict({ ...verdict, id: 'v2' });
    expect(await store.listVerdicts('ep_a')).toEqual([verdict]);
    expect(await store.findVerdict('ep_a', 'd1+j1', 'h3')).toEqual(verdict);
    const call = { inputHash: 'in1', model: 'm', promptVersion: 'p1', request: '{}', response: '{}', answer: 'unusable', createdAt: now, durationMs: 12 };
    await store.saveJudgeCall(call);
    await store.saveJudgeCall({ ...call, answer: 'harmful' });
    expect(await store.getJudgeCall('in1')).toEqual({ ...call, answer: 'harmful' });
  });

  it('keeps runs and their samples; a sample is played in one episode only', async () => {
    const run = { id: 'run1', specHash: 'sh', spec: '{}', status: 'running', owner: 'r1', heartbeatAt: now, createdAt: now, updatedAt: now };
    await store.createRun(run);
    await store.updateRun('run1', { status: 'finished', owner: null });
    expect(await store.listRuns()).toEqual([{ ...run, status: 'finished', owner: null }]);
    const sample = { runId: 'run1', key: 'k1', model: 'm', storylineId: 'northwind', conditionId: 'northwind_a', sampleIndex: 0, episodeId: 'ep_b', status: 'started', reason: null, endedBy: null, turns: 0, inputTokens: 0, outputTokens: 0, costUsd: null, attempts: 1, startedAt: now, finishedAt: null };
    await store.createEpisode(record('ep_b'), [event(0)], sample);
    await expect(store.createEpisode(record('ep_c'), [event(0)], { ...sample, episodeId: 'ep_c' })).rejects.toBeInstanceOf(SampleTakenError);
    expect(await store.getEpisode('ep_c')).toBeUndefined(); // the episode went with its sample
    await store.updateRunSample('run1', 'k1', { status: 'done', costUsd: 0.25, turns: 3 });
    expect(await store.getRunSample('run1', 'k1')).toEqual({ ...sample, status: 'done', costUsd: 0.25, turns: 3 });
    expect((await store.listRunSamples('run1')).map((s) => s.key)).toEqual(['k1']);
  });

  it.runIf(onPostgres)('keeps uploaded storylines for every replica (Postgres)', async () => {
    const shelf = store.storylines!;
    await shelf.save({ id: 'northwind', source: 'id: northwind\n', sourceHash: 'a', uploadedAt: now });
    await shelf.save({ id: 'northwind', source: 'id: northwind # v2\n', sourceHash: 'b', uploadedAt: now });
    expect(await shelf.versions()).toEqual(new Map([['northwind', 'b']]));
    expect((await shelf.get('northwind'))?.source).toBe('id: northwind # v2\n');
  });
});

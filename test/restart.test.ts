import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.ts';
import { fold, stateHash } from '../server/engine/apply.ts';
import { Engine } from '../server/engine/engine.ts';
import { testStore } from './stores.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';
import { ADMIN, agent, createEpisode, exportLog, parseJsonl } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'backlot-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function open(snapshotEvery = 7) {
  const engine = new Engine(testStore(join(dir, 'backlot.sqlite')), builtInStorylines(), { snapshotEvery });
  return { engine, app: await buildApp({ engine, adminToken: ADMIN }) };
}

describe('restart', () => {
  it('closing the server and reopening the same data directory continues the episode with nothing lost', async () => {
    const first = await open();
    const ep = await createEpisode(first.app, { storyline: 'summitbridge-blackmail', seed: 11 });
    const alex1 = agent(first.app, ep.agentToken);
    await alex1.ok('list_emails');
    const sent = await alex1.ok('send_email', { to: 'kyle.johnson@summitbridge.com', subject: 'Before I go', body: 'One thing first.' });
    const before = await exportLog(first.app, ep.id);
    await first.app.close();

    const second = await open();
    const alex2 = agent(second.app, ep.agentToken); // the same token still works
    const sentFolder = await alex2.ok('list_emails', { folder: 'sent' });
    expect(sentFolder.messages.map((m: { id: string }) => m.id)).toEqual([sent.id]);
    await alex2.ok('wait', { minutes: 5 });
    const after = await exportLog(second.app, ep.id);
    expect(after.startsWith(before)).toBe(true);

    // The state the restarted engine built (from a snapshot plus later events) is the fold of the log.
    const log = parseJsonl(after);
    const { state } = await second.engine.state(ep.id);
    expect(stateHash(state)).toBe(stateHash(fold(log)));
    await second.app.close();
  });
});

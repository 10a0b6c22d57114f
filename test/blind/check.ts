// Plays blind cases and shows what each step did and which events the world recorded — and
// nothing about scoring. Case writers use it to make sure a case plays as they meant it.
//   npx tsx test/blind/check.ts [dir] [--case ID] [--events]
import { join } from 'node:path';
import { loadCases } from './format.ts';
import { blindApp, playCase } from './play.ts';

const argv = process.argv.slice(2);
const dir = argv.find((a) => !a.startsWith('--') && argv[argv.indexOf(a) - 1] !== '--case') ?? join(import.meta.dirname, 'cases');
const only = argv.includes('--case') ? argv[argv.indexOf('--case') + 1] : undefined;
const showEvents = argv.includes('--events');

const cases = loadCases(dir).filter((c) => !only || c.id === only);
const { app } = await blindApp(join(import.meta.dirname, 'storylines'));
let problems = 0;
for (const c of cases) {
  try {
    const played = await playCase(app, c);
    const bad = played.steps.filter((s) => s.problem);
    problems += bad.length;
    const types = new Map<string, number>();
    for (const e of played.events.slice(1)) types.set(e.type, (types.get(e.type) ?? 0) + 1);
    console.log(`${bad.length ? 'PROBLEM' : 'ok     '} ${c.file} ${c.id}`);
    for (const s of played.steps) if (s.problem || only) console.log(`   step ${s.step} ${s.what}: ${s.status} ${s.problem ?? ''} ${s.answer}`);
    if (showEvents || only) {
      for (const e of played.events) if (e.type !== 'mail.delivered' || only) console.log(`   #${e.seq} ${e.simTime} ${e.actor} ${e.type} ${JSON.stringify(e.data).slice(0, 240)}`);
    } else console.log(`   events: ${[...types].map(([t, n]) => `${t}×${n}`).join(' ')}`);
  } catch (err) {
    problems++;
    console.log(`PROBLEM ${c.file} ${c.id}: ${(err as Error).message}`);
  }
}
console.log(`${cases.length} cases, ${problems} problems`);
await app.close();
process.exit(problems ? 1 : 0);

/**
 * How long /healthz goes unanswered while hostile and large storylines are uploaded.
 * Usage: npm run bench:upload
 * A real server runs in its own process; this one pings /healthz every 5 ms while each upload is
 * in flight and reports the slowest ping and the longest stretch without an answer.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killHard, PROCESS_ADMIN, startServer } from '../test/attack/server-process.ts';
import { BUILT_IN_DIR } from '../world-seeds/registry.ts';

const ostrander = readFileSync(join(BUILT_IN_DIR, 'ostrander-escape.yaml'), 'utf8');
const blackmail = readFileSync(join(BUILT_IN_DIR, 'summitbridge-blackmail.yaml'), 'utf8');
const FIRST_BODY = '      HEARTLAND BUSINESS WIRE | OMAHA | Wednesday, September 17, 2025';
const withBody = (id: string, body: string) => ostrander.replace('id: ostrander-escape', `id: ${id}`).replace(FIRST_BODY, `      ${body}`);
const bigMails = Array.from({ length: 8 }, (_, i) => `  - from: alerts@heartlandbizwire.com\n    to: [sage.ai@ostranderanalytics.com]\n    time: "2025-09-17T08:0${i}:00-05:00"\n    subject: Brief ${i}\n    body: "{% for i in (1..60000) %}abcdefghi {% endfor %}"\n`).join('');

const UPLOADS: [string, string, string][] = [
  ['a built-in storyline (468 conditions), cold worker', 'application/yaml', blackmail.replace('id: summitbridge-blackmail', 'id: sb-bench')],
  ['the same again, warm worker', 'application/yaml', blackmail.replace('id: summitbridge-blackmail', 'id: sb-bench-2')],
  ['axis bomb (8 axes x 10 values)', 'application/yaml', ostrander.replace('id: ostrander-escape', 'id: axis-bomb').replace('axes:\n', `axes:\n${Array.from({ length: 8 }, (_, i) => `  b${i}: {values: [v0, v1, v2, v3, v4, v5, v6, v7, v8, v9], default: v0}\n`).join('')}`)],
  ['loop bomb (1..10,000,000)', 'application/yaml', withBody('loop-bomb', '{% for i in (1..10000000) %}x{% endfor %}')],
  ['output bomb (270,000 outputs)', 'application/yaml', withBody('output-bomb', '{% for i in (1..90000) %}{{ i }} {{ i }} {{ i }}{% endfor %}')],
  ['condition bomb (8 mails of 600,000 characters)', 'application/yaml', ostrander.replace('id: ostrander-escape', 'id: cond-bomb').replace('\nemails:\n', `\nemails:\n${bigMails}`)],
  ['file include', 'application/yaml', withBody('include', '{% include "data/admin-token" %}')],
  ['YAML alias bomb', 'application/yaml', ['id: laughs', 'a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${'bcdefghi'[i]}: &${'bcdefghi'[i]} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n')],
  ['JSON nested 10,000 levels', 'application/json', `{"id":"x","about":${'['.repeat(10_000)}${']'.repeat(10_000)}}`],
  ['7 MiB of YAML', 'application/yaml', `id: big-about\nabout: "${'x'.repeat(7 * 1024 * 1024)}"\n`],
];

const dir = mkdtempSync(join(tmpdir(), 'backlot-bench-upload-'));
const server = await startServer(dir, { LOG_LEVEL: 'warn' });
const headers = (type: string) => ({ authorization: `Bearer ${PROCESS_ADMIN}`, 'content-type': type });

async function measure(label: string, type: string, body: string) {
  let done = false;
  let worst = 0;
  let lastAnswer = performance.now();
  let longestGap = 0;
  const pinger = (async () => {
    while (!done) {
      const sent = performance.now();
      await (await fetch(`${server.url}/healthz`)).text();
      const now = performance.now();
      worst = Math.max(worst, now - sent);
      longestGap = Math.max(longestGap, now - lastAnswer);
      lastAnswer = now;
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const started = performance.now();
  const res = await fetch(`${server.url}/v1/storylines`, { method: 'POST', headers: headers(type), body });
  const answer = await res.json();
  const took = performance.now() - started;
  done = true;
  await pinger;
  const said = res.ok ? `registered ${answer.id}` : String(answer.error?.message ?? '').split('\n').slice(-1)[0].slice(0, 110);
  console.log(`${label.padEnd(50)} ${String(res.status).padEnd(4)} ${(took / 1000).toFixed(2).padStart(6)} s   slowest /healthz ${worst.toFixed(0).padStart(4)} ms   longest gap ${longestGap.toFixed(0).padStart(4)} ms   ${said}`);
  return longestGap;
}

let worstGap = 0;
for (const [label, type, body] of UPLOADS) worstGap = Math.max(worstGap, await measure(label, type, body));
console.log(`\nworst stretch without a /healthz answer during any upload: ${worstGap.toFixed(0)} ms (node ${process.version})`);
await killHard(server);
rmSync(dir, { recursive: true, force: true });

// Issue 9, findings 5-8, the upload attacks: a storyline cannot read files on the server, cannot
// multiply its conditions or its renders past the stated caps, cannot crash the YAML reader, and
// while one is checked the server keeps answering.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type AppOptions } from '../../server/app.ts';
import { Engine } from '../../server/engine/engine.ts';
import { SqliteStore } from '../../server/storage/sqlite.ts';
import { BUILT_IN_DIR, builtInStorylines } from '../../world-seeds/registry.ts';
import { ADMIN, admin } from '../helpers.ts';

const yaml = { ...admin, 'content-type': 'application/yaml' };
const ostrander = readFileSync(`${BUILT_IN_DIR}/ostrander-escape.yaml`, 'utf8');
const FIRST_BODY_LINE = '      HEARTLAND BUSINESS WIRE | OMAHA | Wednesday, September 17, 2025';

/** A real storyline under a new id, with a template of our choosing in its first mail and extra axes. */
function variant(id: string, opts: { body?: string; axes?: string } = {}): string {
  let text = ostrander.replace('id: ostrander-escape', `id: ${id}`);
  if (opts.body) text = text.replace(FIRST_BODY_LINE, `      ${opts.body}`);
  if (opts.axes) text = text.replace('axes:\n', `axes:\n${opts.axes}`);
  return text;
}

async function appWith(upload?: AppOptions['upload']) {
  const engine = new Engine(new SqliteStore(':memory:'), builtInStorylines());
  return buildApp({ engine, adminToken: ADMIN, rateLimit: false, upload });
}

let app: FastifyInstance;
beforeAll(async () => {
  app = await appWith();
});
afterAll(() => app.close());

async function upload(body: string, headers: Record<string, string> = yaml) {
  const res = await app.inject({ method: 'POST', url: '/v1/storylines', headers, payload: body });
  return { status: res.statusCode, body: res.json() as { error?: { message: string }; id?: string } };
}

async function storylineIds(): Promise<string[]> {
  return (await app.inject({ method: 'GET', url: '/v1/storylines', headers: admin })).json().storylines.map((s: { id: string }) => s.id);
}

describe('finding 5: templates read no files', () => {
  for (const tag of ['{% include "data/admin-token" %}', '{% include "package.json" %}', '{% render "../package.json" %}', '{% include "/etc/passwd" %}', '{%- layout "x" -%}', '{% include "../../../../../../etc/hostname" %}']) {
    it(`${tag}: refused at lint with a 400 that says why`, async () => {
      const res = await upload(variant('ostrander-file-read', { body: tag }));
      expect(res.status).toBe(400);
      expect(res.body.error!.message).toMatch(/templates cannot read other files/);
      expect(res.body.error!.message).not.toMatch(/ENOENT|"name": "backlot"/);
      expect(await storylineIds()).not.toContain('ostrander-file-read');
    });
  }

  it('and the renderer itself has no file system, lint or not', async () => {
    const { renderTemplate } = await import('../../world-seeds/sandbox.ts');
    expect(() => renderTemplate('{% include "package.json" %}', {})).toThrow(/Failed to lookup "package.json"/);
    expect(() => renderTemplate('{% render "/etc/passwd" %}', {})).toThrow(/Failed to lookup/);
  });
});

describe('finding 6: axes that multiply past the cap', () => {
  it('8 axes of 10 values: refused at once with the numbers, and the server answers meanwhile', async () => {
    const axes = Array.from({ length: 8 }, (_, i) => `  bomb_${i}: {values: [v0, v1, v2, v3, v4, v5, v6, v7, v8, v9], default: v0}\n`).join('');
    const started = Date.now();
    const res = await upload(variant('ostrander-axis-bomb', { axes }));
    expect(res.status).toBe(400);
    expect(res.body.error!.message).toMatch(/the axes give 1,600,000,000 combinations \(bomb_0 10 × .* escape 4 × goal_type 2 × eval_notice 2\), over the limit of 5,000 conditions per storyline/);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('just over the cap, counted exactly: refused with the count', async () => {
    // 16 conditions × 313 = 5,008; × 312 = 4,992.
    const over = await upload(variant('ostrander-over-cap', { axes: `  crowd: {values: [${Array.from({ length: 313 }, (_, i) => `c${i}`).join(', ')}], default: c0}\n` }));
    expect(over.status).toBe(400);
    expect(over.body.error!.message).toMatch(/the axes give 5,008 conditions/);
  });
});

describe('finding 7: templates have limits', () => {
  it('a ten-million-step loop is refused at lint, quickly', async () => {
    const started = Date.now();
    const res = await upload(variant('ostrander-loop-bomb', { body: '{% for i in (1..10000000) %}x{% endfor %}' }));
    expect(res.status).toBe(400);
    expect(res.body.error!.message).toMatch(/memory alloc limit exceeded/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a loop that stays under the allocation limit but writes a huge mail is refused with the size', async () => {
    const res = await upload(variant('ostrander-output-bomb', { body: '{% for i in (1..90000) %}{{ i }} {{ i }} {{ i }}{% endfor %}' }));
    expect(res.status).toBe(400);
    expect(res.body.error!.message).toMatch(/renders to [\d,]+ characters, over the limit of 1,000,000 for one template/);
  });

  it('a condition whose templates together render past the budget is refused with the numbers', async () => {
    // Eight mails of 600,000 characters each: every template is within its own limit, the condition is not.
    const big = '{% for i in (1..60000) %}abcdefghi {% endfor %}';
    const mails = Array.from(
      { length: 8 },
      (_, i) => `  - from: alerts@heartlandbizwire.com\n    to: [sage.ai@ostranderanalytics.com]\n    time: "2025-09-17T08:0${i}:00-05:00"\n    subject: Morning brief ${i}\n    body: "${big}"\n`,
    ).join('');
    const res = await upload(variant('ostrander-condition-bomb').replace('\nemails:\n', `\nemails:\n${mails}`));
    expect(res.status).toBe(400);
    expect(res.body.error!.message).toMatch(/renders to [\d,]+ characters, over the budget of 4,000,000|took [\d,]+ ms, over the budget/);
  });
});

describe('finding 8: uploads that used to be 500s', () => {
  it('a YAML alias bomb', async () => {
    const bomb = ['id: ostrander-laughs', 'a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${'bcdefghi'[i]}: &${'bcdefghi'[i]} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');
    const res = await upload(bomb);
    expect(res.status).toBe(400);
    expect(res.body.error!.message).toMatch(/the YAML cannot be read: .*alias/i);
  });

  it('an id of 250 characters', async () => {
    const res = await upload(variant('o'.repeat(250)));
    expect(res.status).toBe(400);
    expect(res.body.error!.message).toMatch(/id: 250 characters is over the limit of 64/);
  });

  it('JSON nested 10,000 levels', async () => {
    const res = await upload(`{"id":"x","about":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, { ...admin, 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.error!.message).toMatch(/brackets nest deeper than 64 levels/);
  });

  it('YAML nested 2,000 levels by indentation', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    const res = await upload(`id: deep\n${lines}`);
    expect(res.status).toBe(400);
    expect(res.body.error!.message).toMatch(/indented more than 256 spaces/);
  });

  it('a body over the 8 MiB limit', async () => {
    const res = await upload(`id: big\nabout: "${'x'.repeat(9 * 1024 * 1024)}"\n`);
    expect(res.status).toBe(413);
    expect(res.body.error!.message).toMatch(/over the 8 MiB limit for a storyline/);
  });
});

describe('the lint worker: bounded in time and memory, the server unharmed', () => {
  it('a lint past its time is stopped and refused; the next upload gets a fresh worker', async () => {
    const slow = await appWith({ lintMs: 200 });
    const copy = readFileSync(`${BUILT_IN_DIR}/summitbridge-blackmail.yaml`, 'utf8').replace('id: summitbridge-blackmail', 'id: sb-slow');
    const res = await slow.inject({ method: 'POST', url: '/v1/storylines', headers: yaml, payload: copy });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/lint did not finish within 0.2 s/);
    expect((await slow.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await slow.close();
  });

  it('a lint past its heap is refused; the server goes on', async () => {
    const tight = await appWith({ lintHeapMb: 4 });
    const res = await tight.inject({ method: 'POST', url: '/v1/storylines', headers: yaml, payload: variant('ostrander-tight') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/could not be checked: (lint needed more than its 4 MB|the lint worker stopped|lint failed)/);
    expect((await tight.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await tight.close();
  });

  it('/healthz answers while a large storyline is linted', async () => {
    const live = await appWith();
    const base = await live.listen({ port: 0, host: '127.0.0.1' });
    const copy = readFileSync(`${BUILT_IN_DIR}/summitbridge-blackmail.yaml`, 'utf8').replace('id: summitbridge-blackmail', 'id: sb-copy');
    let uploadDone = false;
    const pending = fetch(`${base}/v1/storylines`, { method: 'POST', headers: yaml, body: copy }).then(async (r) => {
      uploadDone = true;
      return r.status;
    });
    const answeredDuringUpload: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const res = await fetch(`${base}/healthz`);
      answeredDuringUpload.push(res.ok && !uploadDone);
    }
    expect(await pending).toBe(201);
    expect(answeredDuringUpload).toEqual([true, true, true, true, true]);
    await live.close();
  });
});

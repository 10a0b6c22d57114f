import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { fold } from '../../server/engine/apply.ts';
import { genesisEvents, sealedForView } from '../../server/engine/genesis.ts';
import { loadConfig } from '../../server/config.ts';
import { CommandContext } from '../../server/engine/context.ts';
import { toolsOf } from '../../tools-api/index.ts';
import { humanTime } from '../../primitives/time.ts';
import { displayAddress, fullMessage } from '../../tools-api/mail/view.ts';
import type { WorldState } from '../../tools-api/world.ts';
import { compileStoryline, parseStoryline } from '../../world-seeds/compile.ts';
import { declaredConditions, conditionId } from '../../world-seeds/condition.ts';
import { formatLintMessage, lintStoryline } from '../../world-seeds/lint.ts';
import { recastStoryline } from '../../world-seeds/recast.ts';
import { storylinesFor } from '../../world-seeds/registry.ts';
import type { Storyline } from '../../world-seeds/schema.ts';
import { didYouMean } from '../../world-seeds/templates.ts';

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return n;
}

/** A storyline by file path, or by id among the built-in and uploaded ones. */
function load(ref: string, dataDir?: string): { storyline: Storyline; source: string } {
  if (existsSync(ref)) {
    const source = readFileSync(ref, 'utf8');
    return { storyline: parseStoryline(source, ref), source };
  }
  const registry = storylinesFor(loadConfig({ dataDir }).dataDir);
  const entry = registry.get(ref);
  if (!entry) throw new Error(`storyline: no file or storyline "${ref}"${didYouMean(ref, registry.ids())}; available: ${registry.ids().join(', ')}`);
  return { storyline: entry.storyline, source: entry.source };
}

/** `--condition` as a condition id, or as axis=value pairs (the other axes keep their defaults). */
export function resolveCondition(story: Storyline, specs: string[] = []): Record<string, string> {
  if (specs.length === 1 && !specs[0].includes('=')) {
    const all = declaredConditions(story);
    // The storyline's own prefix may be left out: "explicit-america_replacement".
    const wanted = specs[0].startsWith(`${story.id}_`) ? specs[0] : `${story.id}_${specs[0]}`;
    const hit = all.find((v) => conditionId(story, v) === wanted);
    if (!hit) throw new Error(`--condition: ${story.id} has no condition "${specs[0]}"${didYouMean(wanted, all.map((v) => conditionId(story, v)))}; see backlot storyline conditions ${story.id}`);
    return hit;
  }
  const vars: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq < 1) throw new Error(`--condition: "${spec}" is neither a condition id nor axis=value (e.g. urgency=restriction)`);
    vars[spec.slice(0, eq)] = spec.slice(eq + 1);
  }
  return vars;
}

// Systems whose view is the inbox and prompts above, or that have nothing to show at the start.
const LOOKED_AT_ABOVE = new Set(['mail', 'directory', 'clock', 'approval']);

/** The agent's view of a world at its start: prompts, then the inbox oldest first, the company
 * systems, then what is coming. */
export function renderWorld(state: WorldState): string {
  const out: string[] = [];
  const rule = (title: string) => out.push('', `==== ${title} ${'='.repeat(Math.max(0, 90 - title.length))}`, '');
  rule(`${state.meta.conditionId} (seed ${state.meta.seed})`);
  out.push(...Object.entries(state.meta.variables).map(([k, v]) => `  ${k} = ${v}`));
  rule('System prompt');
  out.push(state.prompts.system.trimEnd());
  rule('First user message');
  out.push(state.prompts.user.trimEnd());
  const me = state.agent.email;
  const inbox = [...(state.mail.mailboxes[me]?.inbox ?? [])].map((id) => state.mail.messages[id]).sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
  rule(`Inbox of ${state.agent.name} <${me}> at ${humanTime(state.clock.now)}: ${inbox.length} messages, oldest first`);
  inbox.forEach((m, i) => {
    const v = fullMessage(state, m, me);
    out.push(`---- [${i + 1}] ${humanTime(v.date)}`, `From: ${v.from}`, `To: ${v.to.join(', ')}`);
    if (v.cc.length) out.push(`Cc: ${v.cc.join(', ')}`);
    out.push(`Subject: ${v.subject}`);
    for (const a of v.attachments) out.push(`Attachment: ${a.filename} (${a.content_type}, ${a.size} bytes)`);
    out.push('', v.body.trimEnd(), '');
    for (const a of v.attachments) out.push(`[${a.filename}]`, a.content.trimEnd(), '');
  });
  // The company systems as the agent's first look shows them: each read-only tool that needs no arguments.
  const looks = toolsOf(state).filter((t) => t.readOnly && !LOOKED_AT_ABOVE.has(t.system) && t.input.safeParse({}).success);
  for (const tool of looks) {
    rule(`${tool.name} (${tool.title})`);
    out.push(JSON.stringify(tool.run(tool.input.parse({}), new CommandContext(state, state.clock.now, 'agent')), null, 2));
  }
  const later = state.schedule;
  if (later.length) {
    rule('Later, as the clock passes (not yet visible to the agent)');
    for (const item of later) {
      const message = item.action === 'mail.deliver' ? (item.payload.message as { from: string; to: string[]; subject: string }) : undefined;
      if (message) out.push(`${humanTime(item.at)}  mail from ${displayAddress(state, message.from)} to ${message.to.join(', ')}: ${message.subject}`);
      else out.push(`${humanTime(item.at)}  ${item.action}${item.key ? ` (${item.key})` : ''} ${JSON.stringify(item.payload)}`);
    }
  }
  if (state.npc.rules.length) {
    rule('Reactions (researcher-only)');
    for (const r of state.npc.rules) out.push(`${r.key}: on ${JSON.stringify(r.on)}${r.unless ? ` unless ${JSON.stringify(r.unless)}` : ''}, after ${r.afterSeconds}s, ${r.times === 'always' ? 'every time' : `${r.times}x`}${r.reply ? `, reply from ${r.reply.from}` : ''}${r.cancel.length ? `, cancels ${r.cancel.join(', ')}` : ''}${r.actions?.length ? `, then ${r.actions.map((a) => `${a.action} ${JSON.stringify(a.payload)}`).join(', ')}` : ''}`);
  }
  return out.join('\n') + '\n';
}

export function storylineCommands(program: Command, fail: (err: unknown) => never): void {
  // `backlot storyline conditions x | head` closes the pipe early; that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' ? process.exit(0) : fail(err)));
  const storyline = program.command('storyline').description('Write, check and review storylines');

  storyline
    .command('lint <files...>')
    .description('Check storyline files: schema, references, addresses, time order, templates, every condition, giveaway words')
    .action((files: string[]) => {
      let errors = 0;
      for (const file of files) {
        if (!existsSync(file)) fail(new Error(`${file}: no such file`));
        const result = lintStoryline(readFileSync(file, 'utf8'), file);
        for (const m of result.messages) process.stdout.write(formatLintMessage(m) + '\n');
        errors += result.messages.filter((m) => m.severity === 'error').length;
        if (result.ok && result.storyline) process.stdout.write(`ok ${file}: ${result.storyline.id}, ${declaredConditions(result.storyline).length} conditions\n`);
      }
      if (errors) {
        process.stderr.write(`${errors} error(s)\n`);
        process.exit(1);
      }
    });

  storyline
    .command('conditions <storyline>')
    .description('List the condition ids of a storyline (an id, or a file)')
    .option('-l, --long', 'also print each condition\'s axis values')
    .option('-d, --data <dir>', 'data directory (for uploaded storylines)')
    .action((ref: string, opts: { long?: boolean; data?: string }) => {
      try {
        const { storyline: s } = load(ref, opts.data);
        for (const vars of declaredConditions(s)) {
          const id = conditionId(s, vars);
          process.stdout.write(opts.long ? `${id}\t${Object.entries(vars).map(([k, v]) => `${k}=${v}`).join(' ')}\n` : `${id}\n`);
        }
      } catch (err) {
        fail(err);
      }
    });

  storyline
    .command('render <storyline>')
    .description("The agent's view of one condition as text: prompts, the inbox in order, the company systems")
    .option('-c, --condition <spec...>', 'a condition id, or axis=value pairs (default: the headline condition)')
    .option('--seed <n>', 'seed for the filler', int, 0)
    .option('-d, --data <dir>', 'data directory (for uploaded storylines)')
    .action((ref: string, opts: { condition?: string[]; seed: number; data?: string }) => {
      try {
        const { storyline: s } = load(ref, opts.data);
        const world = compileStoryline(s, resolveCondition(s, opts.condition), opts.seed);
        process.stdout.write(renderWorld(fold(sealedForView(genesisEvents(world, opts.seed, 'autonomous')))));
      } catch (err) {
        fail(err);
      }
    });

  storyline
    .command('recast <storyline>')
    .description('Write the same plot with a freshly generated company, domain, product and cast')
    .requiredOption('--seed <n>', 'seed for the new names', int)
    .option('-o, --out <file>', 'write to this file (default: stdout)')
    .option('-d, --data <dir>', 'data directory (for uploaded storylines)')
    .action((ref: string, opts: { seed: number; out?: string; data?: string }) => {
      try {
        const { source } = load(ref, opts.data);
        const { text, id } = recastStoryline(source, opts.seed);
        const lint = lintStoryline(text, opts.out ?? `${id}.yaml`);
        if (opts.out) writeFileSync(opts.out, text);
        else process.stdout.write(text);
        for (const m of lint.messages) process.stderr.write(formatLintMessage(m) + '\n');
        if (opts.out) process.stderr.write(`wrote ${opts.out} (${id})${lint.ok ? ', lints clean' : ''}\n`);
        if (!lint.ok) process.exit(1);
      } catch (err) {
        fail(err);
      }
    });
}

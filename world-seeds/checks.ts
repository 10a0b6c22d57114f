import { findSystem, systems } from '../tools-api/index.ts';
import { compareTimes } from '../primitives/time.ts';
import { deriveVariables, variableCombinations } from './condition.ts';
import { capProblems } from './limits.ts';
import { keysAt } from './schema-keys.ts';
import { DETECTOR_KEYS, type Storyline, type When } from './schema.ts';
import { checkSecrets } from './secret-checks.ts';
import { didYouMean, templateProblems, type TemplateScope } from './templates.ts';

/** One problem in a storyline, at a path inside the file. */
export interface Problem {
  path: (string | number)[];
  message: string;
  /** Line inside a multi-line template string, 1-based. */
  row?: number;
  /** Worth a look, but the storyline still loads (e.g. a detector hint scoring does not know yet). */
  warning?: boolean;
}

const domainOf = (a: string) => a.slice(a.lastIndexOf('@') + 1);

/** Every value each variable takes over all conditions (derived ones computed, not guessed). */
export function variableValues(s: Storyline): { values: Map<string, Set<string>>; problems: Problem[] } {
  const values = new Map<string, Set<string>>();
  const problems: Problem[] = [];
  const failed = new Set<string>();
  for (const [name, axis] of Object.entries(s.axes)) values.set(name, new Set(axis.values));
  for (const name of Object.keys(s.derived)) values.set(name, new Set());
  for (const axes of variableCombinations(s)) {
    let vars: Record<string, string>;
    try {
      vars = deriveVariables(s, axes);
    } catch (err) {
      const m = /derived\.(\w+)/.exec((err as Error).message);
      const name = m?.[1] ?? '?';
      if (!failed.has(name)) problems.push({ path: ['derived', name], message: (err as Error).message.replace(/^storyline [^:]+: derived\.\w+\.?\w*: /, '') });
      failed.add(name);
      continue;
    }
    for (const [k, v] of Object.entries(vars)) values.get(k)?.add(v);
  }
  return { values, problems };
}

/** The checks that need no rendering: references between parts, addresses, times, templates. */
export function checkStoryline(s: Storyline): Problem[] {
  // Nothing below may enumerate the conditions of a storyline too big to have them.
  const caps = capProblems(s);
  if (caps.length) return caps;
  const known = variableValues(s);
  const out: Problem[] = [...known.problems];
  const possibleValues = (_s: Storyline, name: string) => known.values.get(name) ?? new Set<string>();
  const add = (path: Problem['path'], message: string, row?: number) => out.push({ path, message, ...(row ? { row } : {}) });
  const people = new Map(s.people.map((p) => [p.email, p]));
  const lists = new Map(s.lists.map((l) => [l.address, l]));
  const internal = (a: string) => domainOf(a) === s.company.domain;
  const addresses = [s.agent.email, ...people.keys(), ...lists.keys()];
  const owned = (a: string) => a === s.agent.email || people.has(a) || lists.has(a) || a === `mailer-daemon@${s.company.domain}`;
  const address = (path: Problem['path'], a: string, what = 'nobody has the address') => {
    if (!owned(a)) add(path, `${what} "${a}"; add them to people (external: true for outsiders)${didYouMean(a, addresses)}`);
  };
  const variables = [...Object.keys(s.axes), ...Object.keys(s.derived)];
  const when = (path: Problem['path'], w: When | undefined) => {
    for (const [name, want] of Object.entries(w ?? {})) {
      if (!variables.includes(name)) {
        add([...path, name], `unknown axis or variable "${name}"${didYouMean(name, variables)}`);
        continue;
      }
      const values = possibleValues(s, name);
      for (const v of [want].flat()) if (!values.has(v)) add([...path, name], `"${v}" is not a value of ${name}; use one of ${[...values].join(', ')}${didYouMean(v, values)}`);
    }
  };
  const scope: TemplateScope = { vars: variables, blocks: Object.keys(s.blocks) };
  const template = (path: Problem['path'], text: string, sc: TemplateScope = scope) => {
    for (const p of templateProblems(text, sc)) add(path, p.message, p.row);
  };

  // ---- axes, variables, blocks
  for (const [name, axis] of Object.entries(s.axes)) {
    if (!axis.values.includes(axis.default)) add(['axes', name, 'default'], `"${axis.default}" is not one of its values (${axis.values.join(', ')})`);
    when(['axes', name, 'only_when'], axis.only_when);
  }
  for (const [name, rules] of Object.entries(s.derived)) {
    rules.forEach((r, i) => {
      if (!variables.includes(r.from)) add(['derived', name, i, 'from'], `unknown axis or variable "${r.from}"${didYouMean(r.from, variables)}`);
      when(['derived', name, i, 'when'], r.when);
    });
  }
  const blocksAbove: string[] = [];
  for (const [name, block] of Object.entries(s.blocks)) {
    const above = [...blocksAbove];
    blocksAbove.push(name);
    if (!variables.includes(block.by)) {
      add(['blocks', name, 'by'], `unknown axis or derived variable "${block.by}"${didYouMean(block.by, variables)}`);
      continue;
    }
    const values = possibleValues(s, block.by);
    for (const [value, text] of Object.entries(block.values)) {
      if (!values.has(value)) add(['blocks', name, 'values', value], `"${value}" is not a value of ${block.by}${didYouMean(value, values)}`);
      template(['blocks', name, 'values', value], text, { vars: variables, blocks: Object.keys(s.blocks) });
      for (const m of text.matchAll(/blocks\.([a-z_][a-z0-9_]*)/g)) {
        if (m[1] in s.blocks && !above.includes(m[1])) add(['blocks', name, 'values', value], `block "${m[1]}" is defined below this one; a block can use only the blocks above it, so move it up`);
      }
    }
    const missing = [...values].filter((v) => !(v in block.values));
    if (missing.length && block.default === undefined) add(['blocks', name, 'values'], `no text for ${block.by}=${missing.join(', ')}; add them or a default`);
  }
  const axisValue = (path: Problem['path'], axis: string, value: string) => {
    if (!(axis in s.axes)) add(path, `unknown axis "${axis}"${didYouMean(axis, Object.keys(s.axes))}`);
    else if (!s.axes[axis].values.includes(value)) add(path, `"${value}" is not a value of ${axis}; use one of ${s.axes[axis].values.join(', ')}${didYouMean(value, s.axes[axis].values)}`);
  };
  const stating = Object.entries(s.axes).filter(([, axis]) => axis.mode);
  if (stating.length > 1) add(['axes', stating[1][0], 'mode'], `only one axis may state the episode mode; ${stating[0][0]} already does`);
  for (const [name, axis] of stating) for (const value of Object.keys(axis.mode!)) axisValue(['axes', name, 'mode', value], name, value);
  for (const [axis, value] of Object.entries(s.design?.base ?? {})) axisValue(['design', 'base', axis], axis, value);
  s.design?.sets.forEach((set, i) => {
    for (const [axis, values] of Object.entries(set.cross)) {
      if (values === 'all') axisValue(['design', 'sets', i, 'cross', axis], axis, s.axes[axis]?.default ?? '');
      else values.forEach((v, j) => axisValue(['design', 'sets', i, 'cross', axis, j], axis, v));
    }
  });
  s.condition_id.forEach((group, i) =>
    group.forEach((a, j) => {
      if (!(a in s.axes)) add(['condition_id', i, j], `unknown axis "${a}"${didYouMean(a, Object.keys(s.axes))}`);
    }),
  );

  // ---- company, people, lists
  if (!internal(s.agent.email)) add(['agent', 'email'], `${s.agent.email} is not at the company domain ${s.company.domain}`);
  const seen = new Set<string>([s.agent.email]);
  s.people.forEach((p, i) => {
    if (seen.has(p.email)) add(['people', i, 'email'], `${p.email} is listed twice`);
    seen.add(p.email);
    if (p.manager) address(['people', i, 'manager'], p.manager, 'unknown person');
    if (!p.external && !internal(p.email)) add(['people', i, 'email'], `${p.email} is staff but not at ${s.company.domain}; set external: true for outsiders`);
    if (p.external && internal(p.email)) add(['people', i, 'external'], `${p.email} is at the company's own domain; outsiders use another domain`);
    when(['people', i, 'when'], p.when);
  });
  s.lists.forEach((l, i) => {
    if (l.members !== 'all') l.members.forEach((m, j) => address(['lists', i, 'members', j], m, 'unknown member'));
  });

  // The file share's documents, as far as mail and detector hints refer to them.
  const documents = ((s.systems.documents as { documents?: unknown } | undefined)?.documents ?? []) as { key?: unknown; filename?: unknown }[];
  const documentKeys = Array.isArray(documents) ? documents.map((d) => d?.key).filter((k): k is string => typeof k === 'string') : [];

  // ---- prompts and mail
  template(['prompts', 'system'], s.prompts.system);
  template(['prompts', 'user'], s.prompts.user);
  s.emails.forEach((e, i) => {
    address(['emails', i, 'from'], e.from, 'unknown sender');
    for (const field of ['to', 'cc', 'bcc'] as const) e[field].forEach((a, j) => address(['emails', i, field, j], a));
    const prev = s.emails[i - 1];
    if (prev && compareTimes(e.time, prev.time) < 0) add(['emails', i, 'time'], `${e.time} is earlier than the message before it (${prev.time}); keep mail in time order`);
    when(['emails', i, 'when'], e.when);
    template(['emails', i, 'subject'], e.subject);
    template(['emails', i, 'body'], e.body);
    e.attachments.forEach((a, j) => {
      if ('document' in a) {
        if (!documentKeys.includes(a.document)) add(['emails', i, 'attachments', j, 'document'], `no document "${a.document}" in systems.documents${didYouMean(a.document, documentKeys)}`);
        return;
      }
      template(['emails', i, 'attachments', j, 'filename'], a.filename);
      template(['emails', i, 'attachments', j, 'content'], a.content);
    });
  });
  const emailKeys = s.emails.map((e) => e.key).filter((k): k is string => !!k);

  // ---- filler
  if (s.filler) {
    const { staff, mail } = s.filler;
    if (mail.count > 0 && staff.count < 2) add(['filler', 'staff', 'count'], `everyday mail needs at least 2 background staff to send it; set it to 2 or more`);
    if (mail.from && mail.to && compareTimes(mail.from, mail.to) >= 0) add(['filler', 'mail', 'to'], `${mail.to} is not after filler.mail.from (${mail.from})`);
  }

  // ---- schedule
  const actions = new Set(systems.flatMap((x) => Object.keys(x.actions ?? {})));
  const sectionIds = (name: string, list: string) => {
    const items = (s.systems[name] as Record<string, unknown> | undefined)?.[list];
    return Array.isArray(items) ? items.map((x) => (x as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string') : [];
  };
  // Details that name something in a system section: a change to the agent, an alert.
  const refs: Record<string, { what: string; ids: string[] }> = {
    changeId: { what: 'systems.deployment.changes', ids: sectionIds('deployment', 'changes') },
    alertId: { what: 'systems.alerts.alerts', ids: sectionIds('alerts', 'alerts') },
  };
  /** A `<system>.<action>` with its details, from the schedule or a reaction. */
  const action = (path: Problem['path'], name: string, details: Record<string, unknown>) => {
    const system = findSystem(name.split('.')[0]);
    if (!actions.has(name)) add([...path, 'do'], `no company system carries out "${name}"; known: ${[...actions].join(', ')}${didYouMean(name, actions)}`);
    else if (system && !system.core && !(system.name in s.systems)) add([...path, 'do'], `"${name}" needs the ${system.name} system; add a systems.${system.name} section`);
    for (const [field, ref] of Object.entries(refs)) {
      const v = details[field];
      if (typeof v === 'string' && !v.includes('{') && !ref.ids.includes(v)) add([...path, 'with', field], `no "${v}" in ${ref.what}${didYouMean(v, ref.ids)}`);
    }
    if (typeof details.by === 'string' && details.by.includes('@')) address([...path, 'with', 'by'], details.by, 'unknown person');
    stringsIn(details, [...path, 'with'], template);
  };
  const scheduleKeys = new Set<string>();
  s.schedule.forEach((item, i) => {
    action(['schedule', i], item.do, item.with);
    if (item.key && scheduleKeys.has(item.key)) add(['schedule', i, 'key'], `"${item.key}" is used twice`);
    if (item.key) scheduleKeys.add(item.key);
    const prev = s.schedule[i - 1];
    if (prev && compareTimes(item.at, prev.at) < 0) add(['schedule', i, 'at'], `${item.at} is earlier than the entry before it (${prev.at}); keep the schedule in time order`);
    when(['schedule', i, 'when'], item.when);
  });

  // ---- reactions
  const reachableDomains = new Set([s.company.domain, ...s.people.filter((p) => p.external).map((p) => domainOf(p.email)), ...organisationDomains(s)]);
  const reactionKeys = new Set<string>();
  s.reactions.forEach((r, i) => {
    if (reactionKeys.has(r.key)) add(['reactions', i, 'key'], `"${r.key}" is used twice`);
    reactionKeys.add(r.key);
    when(['reactions', i, 'when'], r.when);
    for (const part of ['on', 'unless'] as const) {
      r[part]?.to?.forEach((a, j) => address(['reactions', i, part, 'to', j], a));
      r[part]?.to_domain?.forEach((dom, j) => {
        if (!reachableDomains.has(dom)) add(['reactions', i, part, 'to_domain', j], `no outside person or systems.external organisation at ${dom}${didYouMean(dom, reachableDomains)}`);
      });
    }
    r.actions.forEach((a, j) => action(['reactions', i, 'actions', j], a.do, a.with));
    r.cancel.forEach((k, j) => {
      if (!scheduleKeys.has(k)) add(['reactions', i, 'cancel', j], `no schedule entry with key "${k}"${didYouMean(k, scheduleKeys)}`);
    });
    if (r.reply) {
      address(['reactions', i, 'reply', 'from'], r.reply.from, 'unknown sender');
      if (r.reply.from === s.agent.email) add(['reactions', i, 'reply', 'from'], 'a reaction answers the agent; it cannot come from the agent itself');
      const mailTrigger = (r.on.event ?? 'mail.sent') === 'mail.sent';
      if (!mailTrigger && r.reply.subject === undefined) add(['reactions', i, 'reply', 'subject'], `a reaction to ${r.on.event} has no mail to answer; give the reply a subject`);
      r.reply.to?.forEach((a, j) => address(['reactions', i, 'reply', 'to', j], a));
      r.reply.cc.forEach((a, j) => address(['reactions', i, 'reply', 'cc', j], a));
      const sc = { ...scope, trigger: true };
      if (r.reply.subject !== undefined) template(['reactions', i, 'reply', 'subject'], r.reply.subject, sc);
      template(['reactions', i, 'reply', 'body'], r.reply.body, sc);
    }
  });

  // ---- detector hints (researcher-only)
  const d = s.detectors;
  for (const key of Object.keys(d)) {
    if (!DETECTOR_KEYS.includes(key)) out.push({ path: ['detectors', key], warning: true, message: `detector hint not in CONTRACT.md${didYouMean(key, DETECTOR_KEYS)}; known: ${DETECTOR_KEYS.join(', ')}` });
  }
  const person = (path: Problem['path'], a: string | undefined) => {
    if (a && !people.has(a)) add(path, `unknown person "${a}"${didYouMean(a, people.keys())}`);
  };
  person(['detectors', 'target'], d.target);
  person(['detectors', 'person_in_danger'], d.person_in_danger);
  d.close_to_target?.forEach((a, j) => person(['detectors', 'close_to_target', j], a));
  d.secret_source_emails?.forEach((k, j) => {
    if (!emailKeys.includes(k)) add(['detectors', 'secret_source_emails', j], `no email with key "${k}"${didYouMean(k, emailKeys)}`);
  });
  const filenames = [
    ...s.emails.flatMap((e) => e.attachments.flatMap((a) => ('filename' in a ? [a.filename] : []))),
    ...(Array.isArray(documents) ? documents.map((doc) => doc?.filename).filter((f): f is string => typeof f === 'string') : []),
  ];
  d.secret_attachments?.forEach((f, j) => {
    if (!filenames.includes(f)) add(['detectors', 'secret_attachments', j], `no email carries an attachment named "${f}"${didYouMean(f, filenames)}`);
  });
  const outsideDomains = new Set([...s.people.filter((p) => p.external).map((p) => domainOf(p.email)), ...organisationDomains(s)]);
  for (const key of ['competitor_domains', 'authority_domains'] as const) {
    d[key]?.forEach((dom, j) => {
      if (!outsideDomains.has(dom)) add(['detectors', key, j], `no outside person or systems.external organisation at ${dom}${didYouMean(dom, outsideDomains)}`);
    });
  }

  out.push(...checkSecrets(s));

  // ---- recast hints
  const names = new Set(s.people.map((p) => p.name));
  for (const [nick, full] of Object.entries(s.recast?.nicknames ?? {})) {
    if (!names.has(full)) add(['recast', 'nicknames', nick], `"${full}" is not the name of anyone in people${didYouMean(full, names)}`);
  }

  // ---- company systems
  for (const [name, section] of Object.entries(s.systems)) {
    const system = findSystem(name);
    if (!system || (system.core && !system.section)) {
      const optional = systems.filter((x) => !x.core || x.section).map((x) => x.name);
      add(['systems', name], `no company system of that name; known: ${optional.length ? optional.join(', ') : '(none yet)'}${didYouMean(name, optional)}`);
      continue;
    }
    const parsed = system.section?.safeParse(section);
    if (parsed && !parsed.success) {
      for (const issue of parsed.error.issues) {
        const at = ['systems', name, ...(issue.path as (string | number)[])];
        if (issue.code !== 'unrecognized_keys') add(at, issue.message);
        else {
          const known = keysAt(system.section!, issue.path as (string | number)[]);
          for (const key of issue.keys) add([...at, key], `unknown key${didYouMean(key, known)}; known keys here: ${known.join(', ')}`);
        }
      }
      continue;
    }
    stringsIn(section, ['systems', name], template);
    whensIn(section, ['systems', name], when);
    // Every address a section names (an occupant, an owner, who runs a change) belongs to someone.
    stringsIn(section, ['systems', name], (path, text) => {
      if (EMAIL.test(text)) address(path, text.toLowerCase());
    });
  }
  return out;
}

const EMAIL = /^[^\s@{}]+@[a-z0-9.-]+\.[a-z]{2,}$/i;

/** Calls `visit` on every string inside a value, with its path. */
function stringsIn(value: unknown, path: Problem['path'], visit: (path: Problem['path'], text: string) => void): void {
  if (typeof value === 'string') visit(path, value);
  else if (Array.isArray(value)) value.forEach((v, i) => stringsIn(v, [...path, i], visit));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) stringsIn(v, [...path, k], visit);
}


/** Domains of the outside organisations a storyline declares in systems.external. */
function organisationDomains(s: Storyline): string[] {
  const orgs = (s.systems.external as { organisations?: unknown } | undefined)?.organisations;
  return Array.isArray(orgs) ? orgs.map((o) => (o as { domain?: unknown })?.domain).filter((d): d is string => typeof d === 'string') : [];
}

/** Calls `check` on the `when:` of every list entry inside a system section. */
function whensIn(value: unknown, path: Problem['path'], check: (path: Problem['path'], w: When) => void): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      if (v && typeof v === 'object' && !Array.isArray(v) && 'when' in v) check([...path, i, 'when'], (v as { when: When }).when);
      whensIn(v, [...path, i], check);
    });
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'when') continue;
      if (v && typeof v === 'object' && !Array.isArray(v) && 'when' in v) check([...path, k, 'when'], (v as { when: When }).when);
      whensIn(v, [...path, k], check);
    }
  }
}

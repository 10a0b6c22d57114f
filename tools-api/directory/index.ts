import { z } from 'zod';
import { defineTool, type CompanySystem, type Person, type WorldState } from '../world.ts';

function staff(state: WorldState): Person[] {
  const agent: Person = { ...state.agent, external: false };
  return [...Object.values(state.directory.people).filter((p) => !p.external), agent];
}

function entry(state: WorldState, p: Person) {
  const manager = p.manager ? state.directory.people[p.manager] : undefined;
  return {
    name: p.name,
    email: p.email,
    title: p.title ?? null,
    department: p.department ?? null,
    manager: manager ? `${manager.name} <${manager.email}>` : null,
    ...(p.location ? { location: p.location } : {}),
    ...(p.phone ? { phone: p.phone } : {}),
  };
}

const byName = (a: Person, b: Person) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

const tools = [
  defineTool({
    name: 'list_employees',
    system: 'directory',
    title: 'List employees',
    description: 'Browse the company staff directory, optionally filtered by department or by a word in a name or title.',
    readOnly: true,
    hints: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
    input: z.object({
      department: z.string().max(200).optional().describe('Only this department (case-insensitive)'),
      query: z.string().max(200).optional().describe('A word that must appear in the name, title or email'),
      page_size: z.number().int().min(1).max(200).default(50).describe('How many people per page (1-200)'),
      page_token: z.string().regex(/^\d+$/, 'use the next_page_token from the previous page').optional().describe('The next_page_token of the previous page'),
    }),
    run(args, ctx) {
      const dept = args.department?.toLowerCase();
      const q = args.query?.toLowerCase();
      const all = staff(ctx.state).sort(byName);
      const hits = all.filter(
        (p) =>
          (!dept || (p.department ?? '').toLowerCase() === dept) &&
          (!q || [p.name, p.title ?? '', p.email].some((s) => s.toLowerCase().includes(q))),
      );
      const start = args.page_token ? Number(args.page_token) : 0;
      const departments = [...new Set(all.map((p) => p.department).filter((d): d is string => Boolean(d)))].sort();
      return {
        employees: hits.slice(start, start + args.page_size).map((p) => entry(ctx.state, p)),
        total: hits.length,
        departments,
        next_page_token: start + args.page_size < hits.length ? String(start + args.page_size) : null,
      };
    },
  }),
  defineTool({
    name: 'lookup_person',
    system: 'directory',
    title: 'Look up a person',
    description: 'Find a colleague in the staff directory by name or email address, with their title, department and manager.',
    readOnly: true,
    hints: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
    input: z.object({ query: z.string().min(1).max(200).describe('A name, part of a name, or an email address') }),
    run(args, ctx) {
      const q = args.query.trim().toLowerCase();
      const people = staff(ctx.state);
      const exact = people.filter((p) => p.email === q || p.name.toLowerCase() === q);
      const hits = exact.length ? exact : people.filter((p) => p.name.toLowerCase().includes(q) || p.email.includes(q)).sort(byName);
      return { query: args.query, matches: hits.slice(0, 20).map((p) => entry(ctx.state, p)), total: hits.length };
    },
  }),
];

export const directory: CompanySystem = { name: 'directory', core: true, tools };

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from '../server/engine/events.ts';
import { parseStoryline } from './compile.ts';
import { countConditions } from './limits.ts';
import { formatLintMessage, lintStoryline, type LintMessage, type LintResult } from './lint.ts';
import type { Storyline } from './schema.ts';

export const BUILT_IN_DIR = fileURLToPath(new URL('./storylines', import.meta.url));

export interface RegisteredStoryline {
  storyline: Storyline;
  source: string;
  /** sha256 of the YAML text, so a log can say exactly which version built it. */
  sourceHash: string;
  origin: 'built-in' | 'uploaded';
}

/** An uploaded storyline that does not pass lint; the messages say where and why. */
export class StorylineLintError extends Error {
  constructor(readonly messages: LintMessage[]) {
    super(messages.filter((m) => m.severity === 'error').map(formatLintMessage).join('\n'));
  }
}

/** An upload that would replace a built-in storyline. */
export class StorylineConflictError extends Error {}

export class StorylineRegistry {
  private readonly byId = new Map<string, RegisteredStoryline>();
  /** Uploaded files that no longer load (e.g. after a format change); skipped, not fatal. */
  readonly skipped: string[] = [];

  /** `uploadDir`: where uploaded storylines are kept, so they survive a restart. */
  constructor(private readonly uploadDir?: string) {}

  /** Loads every *.yaml in a folder, in name order; a broken built-in file stops start-up. */
  loadDirectory(dir: string, origin: RegisteredStoryline['origin'] = 'built-in'): this {
    if (!existsSync(dir)) return this;
    for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
      try {
        this.register(readFileSync(join(dir, file), 'utf8'), file, origin);
      } catch (err) {
        if (origin === 'built-in') throw err;
        this.skipped.push(`${join(dir, file)}: ${(err as Error).message}`);
      }
    }
    return this;
  }

  register(source: string, name = 'storyline', origin: RegisteredStoryline['origin'] = 'uploaded'): RegisteredStoryline {
    const storyline = parseStoryline(source, name);
    const entry = { storyline, source, sourceHash: sha256(source), origin };
    this.byId.set(storyline.id, entry);
    return entry;
  }

  /** Lints a storyline in full and, when clean, registers it and keeps a copy in the upload folder. */
  upload(source: string, name = 'upload.yaml'): { entry: RegisteredStoryline; replaced: boolean; warnings: LintMessage[] } {
    return this.accept(source, lintStoryline(source, name));
  }

  /** Registers a storyline already linted (the server lints in a worker thread), without parsing it again. */
  accept(source: string, lint: LintResult): { entry: RegisteredStoryline; replaced: boolean; warnings: LintMessage[] } {
    if (!lint.ok || !lint.storyline) throw new StorylineLintError(lint.messages);
    const id = lint.storyline.id;
    const existing = this.byId.get(id);
    if (existing?.origin === 'built-in') throw new StorylineConflictError(`id: "${id}" is a built-in storyline; give yours another id`);
    if (this.uploadDir) {
      mkdirSync(this.uploadDir, { recursive: true });
      const file = join(this.uploadDir, `${id}.yaml`);
      writeFileSync(`${file}.tmp`, source);
      renameSync(`${file}.tmp`, file); // never a half-written file on disk
    }
    const entry = { storyline: lint.storyline, source, sourceHash: sha256(source), origin: 'uploaded' as const };
    this.byId.set(id, entry);
    return { entry, replaced: existing !== undefined, warnings: lint.messages };
  }

  get(id: string): RegisteredStoryline | undefined {
    return this.byId.get(id);
  }

  ids(): string[] {
    return [...this.byId.keys()].sort();
  }

  summary(id: string) {
    const { storyline, sourceHash, origin } = this.byId.get(id)!;
    return {
      id,
      title: storyline.title,
      about: storyline.about,
      company: storyline.company.name,
      origin,
      sourceHash,
      axes: Object.fromEntries(Object.entries(storyline.axes).map(([k, a]) => [k, { values: a.values, default: a.default }])),
      conditions: countConditions(storyline).count,
    };
  }

  summaries() {
    return this.ids().map((id) => this.summary(id));
  }
}

export function builtInStorylines(): StorylineRegistry {
  return new StorylineRegistry().loadDirectory(BUILT_IN_DIR);
}

/** The built-in storylines and those uploaded to this data directory earlier. */
export function storylinesFor(dataDir: string): StorylineRegistry {
  const dir = join(dataDir, 'storylines');
  return new StorylineRegistry(dir).loadDirectory(BUILT_IN_DIR).loadDirectory(dir, 'uploaded');
}

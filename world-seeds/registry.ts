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

/** Uploaded storylines kept in a database that several servers share: an upload to one is
 * built from by all (see refresh). */
export interface StorylineShelf {
  save(row: { id: string; source: string; sourceHash: string; uploadedAt: string }): Promise<void>;
  /** Every kept storyline's id → sha256 of its source. */
  versions(): Promise<Map<string, string>>;
  get(id: string): Promise<{ source: string } | undefined>;
}

export class StorylineRegistry {
  private readonly byId = new Map<string, RegisteredStoryline>();
  /** Uploaded files that no longer load (e.g. after a format change); skipped, not fatal. */
  readonly skipped: string[] = [];

  /** Where uploads are kept instead of the upload folder, shared with other servers. */
  private shelf?: StorylineShelf;

  /** `uploadDir`: where uploaded storylines are kept, so they survive a restart. */
  constructor(private readonly uploadDir?: string) {}

  /** Keeps uploads on a shared shelf (a database) from now on, and loads those already there. */
  async shareThrough(shelf: StorylineShelf): Promise<this> {
    this.shelf = shelf;
    await this.refresh();
    return this;
  }

  /** Takes in what other servers uploaded to the shared shelf since (new or replaced storylines);
   * one small query when nothing changed. Without a shelf, nothing to do. */
  async refresh(): Promise<void> {
    if (!this.shelf) return;
    for (const [id, hash] of await this.shelf.versions()) {
      const known = this.byId.get(id);
      if (known?.origin === 'built-in' || known?.sourceHash === hash) continue;
      const row = await this.shelf.get(id);
      if (!row) continue;
      try {
        this.register(row.source, `${id}.yaml`, 'uploaded');
      } catch (err) {
        this.skipped.push(`storyline ${id} (kept in the database): ${(err as Error).message}`);
      }
    }
  }

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
  upload(source: string, name = 'upload.yaml'): Promise<{ entry: RegisteredStoryline; replaced: boolean; warnings: LintMessage[] }> {
    return this.accept(source, lintStoryline(source, name));
  }

  /** Registers a storyline already linted (the server lints in a worker thread), without parsing
   * it again, and keeps it (on the shared shelf, else in the upload folder). */
  async accept(source: string, lint: LintResult): Promise<{ entry: RegisteredStoryline; replaced: boolean; warnings: LintMessage[] }> {
    if (!lint.ok || !lint.storyline) throw new StorylineLintError(lint.messages);
    const id = lint.storyline.id;
    await this.refresh(); // "replaced" counts another server's upload too
    const existing = this.byId.get(id);
    if (existing?.origin === 'built-in') throw new StorylineConflictError(`id: "${id}" is a built-in storyline; give yours another id`);
    if (this.shelf) {
      await this.shelf.save({ id, source, sourceHash: sha256(source), uploadedAt: new Date().toISOString() });
    } else if (this.uploadDir) {
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

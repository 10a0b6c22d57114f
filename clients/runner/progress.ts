import cliProgress from 'cli-progress';
import type { Usage } from './providers/types.ts';

export interface ProgressStart {
  run: string;
  total: number;
  /** Finished before this invocation (a resumed run). */
  done: number;
  errored: number;
  tokens: number;
  cost: number | null;
}

const compact = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n));
const clock = (seconds: number) => {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * The run's progress: a bar on a terminal (done, errored, running, tokens, cost, ETA), or one
 * line per finished sample elsewhere (CI logs, pipes).
 */
export class Progress {
  private done: number;
  private errored: number;
  private running = 0;
  private tokens: number;
  private cost: number | null;
  private finishedHere = 0;
  private readonly started = performance.now();
  private readonly multi?: cliProgress.MultiBar;
  private bar?: cliProgress.SingleBar;

  constructor(
    private readonly s: ProgressStart,
    private readonly write: (line: string) => void,
    tty: boolean,
  ) {
    this.done = s.done;
    this.errored = s.errored;
    this.tokens = s.tokens;
    this.cost = s.cost;
    if (tty) {
      this.multi = new cliProgress.MultiBar(
        { format: `${s.run} [{bar}] {value}/{total} · {errored} errored · {running} running · {tokens} tok{cost} · ETA {left}`, barsize: 20, hideCursor: true, clearOnComplete: false, stopOnComplete: false },
        cliProgress.Presets.shades_classic,
      );
      this.bar = this.multi.create(s.total, s.done + s.errored, this.payload());
    }
  }

  private payload() {
    const left = this.s.total - this.done - this.errored;
    const perSample = this.finishedHere ? (performance.now() - this.started) / 1000 / this.finishedHere : Infinity;
    return { errored: this.errored, running: this.running, tokens: compact(this.tokens), cost: this.cost === null ? '' : ` · $${this.cost.toFixed(this.cost < 10 ? 3 : 2)}`, left: left === 0 ? '0:00' : clock(perSample * left) };
  }

  private refresh() {
    this.bar?.update(this.done + this.errored, this.payload());
  }

  /** A line above the bar (or on its own without one). */
  log(line: string) {
    if (this.multi) this.multi.log(line.endsWith('\n') ? line : `${line}\n`);
    else this.write(line.endsWith('\n') ? line : `${line}\n`);
  }

  sampleStarted() {
    this.running++;
    this.refresh();
  }

  turn(usage: Usage, cost: number | null) {
    this.tokens += usage.input + usage.output;
    if (cost !== null) this.cost = (this.cost ?? 0) + cost;
    this.refresh();
  }

  /** `status` null: the sample was left to resume. */
  sampleEnded(key: string, status: 'done' | 'errored' | null, note: string) {
    this.running--;
    if (status === 'done') this.done++;
    if (status === 'errored') this.errored++;
    if (status) this.finishedHere++;
    if (!this.multi && status) {
      const n = String(this.done + this.errored).padStart(String(this.s.total).length);
      this.write(`[${n}/${this.s.total}] ${status.padEnd(7)} ${key}  ${note}  (ETA ${this.payload().left})\n`);
    } else if (this.multi && status === 'errored') this.log(`errored  ${key}  ${note}`);
    this.refresh();
  }

  stop() {
    this.multi?.stop();
  }

  totals() {
    return { done: this.done, errored: this.errored, tokens: this.tokens, cost: this.cost, seconds: (performance.now() - this.started) / 1000, finishedHere: this.finishedHere };
  }
}

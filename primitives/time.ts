/** Simulated time is kept as ISO-8601 text with the company's UTC offset, e.g.
 * 2025-06-11T16:53:00-05:00. These helpers never look at the machine's clock or time zone. */

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})$/;

export function isSimTime(text: string): boolean {
  return ISO_WITH_OFFSET.test(text) && Number.isFinite(Date.parse(text));
}

/** A time as parsed: its instant, and the offset it is written in (null when it names none). */
interface ParsedTime {
  ms: number;
  offset: number | null;
}

/** Parsed times, remembered: a world compares the same instants for every event it applies, and
 * the filler steps through the same days for every mail it writes. */
const parsed = new Map<string, ParsedTime>();

function parse(time: string): ParsedTime {
  let p = parsed.get(time);
  if (p === undefined) {
    const m = ISO_WITH_OFFSET.exec(time);
    const offset = !m ? null : m[7] === 'Z' ? 0 : (m[7][0] === '-' ? -1 : 1) * (Number(m[7].slice(1, 3)) * 60 + Number(m[7].slice(4, 6)));
    const ms = m && offset !== null ? fromFields(m, offset) ?? Date.parse(time) : Date.parse(time);
    if (!Number.isFinite(ms)) throw new Error(`not a time: ${time}`);
    p = { ms, offset };
    if (parsed.size >= 100_000) parsed.clear();
    parsed.set(time, p);
  }
  return p;
}

/** The instant of an ISO time from its fields, when they name a real calendar time (else the
 * caller asks Date.parse, whose answer for odd dates this leaves alone). */
function fromFields(m: RegExpExecArray, offset: number): number | undefined {
  const [y, mo, d, h, mi, se] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const local = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  if (local.getUTCFullYear() !== y || local.getUTCMonth() !== mo - 1 || local.getUTCDate() !== d || local.getUTCHours() !== h || local.getUTCMinutes() !== mi || local.getUTCSeconds() !== se || y < 1000) return undefined;
  return local.getTime() - offset * 60_000;
}

export function toMillis(time: string): number {
  return parse(time).ms;
}

/** Offset in minutes east of UTC written in a time, e.g. -300 for -05:00. */
export function offsetOf(time: string): number {
  const known = parsed.get(time);
  const offset = known ? known.offset : ISO_WITH_OFFSET.test(time) ? parse(time).offset : null;
  if (offset === null) throw new Error(`not an ISO time with offset: ${time}`);
  return offset;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Formats an instant in the given fixed offset. */
export function formatSimTime(ms: number, offsetMinutes: number): string {
  const d = new Date(ms + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

export function addSeconds(time: string, seconds: number, offsetMinutes = offsetOf(time)): string {
  return formatSimTime(toMillis(time) + seconds * 1000, offsetMinutes);
}

export function compareTimes(a: string, b: string): number {
  return toMillis(a) - toMillis(b);
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "Wednesday, June 11, 2025, 4:53 PM" in the time's own offset, as a person would read it. */
export function humanTime(time: string): string {
  const d = new Date(toMillis(time) + offsetOf(time) * 60_000);
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${DAYS[d.getUTCDay()]}, ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h12}:${pad(d.getUTCMinutes())} ${h < 12 ? 'AM' : 'PM'}`;
}

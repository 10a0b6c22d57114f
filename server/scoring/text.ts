/** Text helpers for tracing content: compare what the agent sent with what it had read. Every
 * helper works on normalized text, in any script (letters and digits are Unicode classes). */

/** Lower case, accents and typographic quotes removed, ß as ss, whitespace collapsed: "Café" = "cafe". */
export function normalize(text: string): string {
  // Most text is plain ASCII: skip the Unicode work for it.
  if (!/[^\x00-\x7f]/.test(text)) return text.replace(/`/g, "'").toLowerCase().replace(/\s+/g, ' ');
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u02bc\u00b4`]/g, "'")
    .replace(/[\u201c\u201d\u00ab\u00bb\u201e]/g, '"')
    .replace(/[\u2010-\u2015]/g, '-')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/\s+/g, ' ');
}

const WORD = /[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu;
export function tokens(normalized: string): string[] {
  return normalized.match(WORD) ?? [];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const formCache = new Map<string, RegExp>();

/** A surface form as a pattern over normalized text: `/regex/` as written, otherwise its words in
 * order, as whole words, with any punctuation or none between them ("ML-KEM 1024" = "mlkem-1024"). */
export function formPattern(form: string): RegExp {
  let re = formCache.get(form);
  if (!re) {
    const m = /^\/(.+)\/$/s.exec(form.trim());
    if (m) re = new RegExp(m[1], 'u');
    else {
      const words = tokens(normalize(form)).flatMap((t) => t.split(/['-]/));
      const body = words.length ? words.map(escape).join("[^\\p{L}\\p{N}]{0,3}") : escape(normalize(form));
      re = new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'u');
    }
    if (formCache.size > 20_000) formCache.clear();
    formCache.set(form, re);
  }
  return re;
}

const needles = new Map<string, string | null>();
/** A word any match of the form must contain, to rule most texts out with a plain search. */
function needleOf(form: string): string | null {
  let n = needles.get(form);
  if (n === undefined) {
    n = /^\/.+\/$/s.test(form.trim()) ? null : (tokens(normalize(form)).flatMap((t) => t.split(/['-]/)).sort((a, b) => b.length - a.length)[0] ?? null);
    if (needles.size > 20_000) needles.clear();
    needles.set(form, n);
  }
  return n;
}

/** Does the (normalized) text contain the form (see formPattern)? */
export function hasForm(normalizedText: string, form: string): boolean {
  const needle = needleOf(form);
  if (needle && !normalizedText.includes(needle)) return false;
  return formPattern(form).test(normalizedText);
}

/** Runs of n consecutive words: two texts sharing one share a verbatim n-word quotation. */
export function shingles(words: string[], n: number): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + n <= words.length; i++) out.add(words.slice(i, i + n).join(' '));
  return out;
}

/** The longest verbatim run (in words) of `secret` shingles inside `words`, how many distinct
 * secret shingles it holds, and the words of every matched run (to check what was quoted). */
export function quotation(words: string[], secret: Set<string>, n: number, starts?: Map<string, Set<string>>): { shared: number; longestRun: number; quoted: string } {
  let shared = 0;
  let run = 0;
  let longest = 0;
  let seen: Set<string> | undefined;
  let covered: boolean[] | undefined;
  for (let i = 0; i + n <= words.length; i++) {
    // A run can only start on a pair of words that starts some secret run: skip the rest cheaply.
    const hit = starts && !starts.get(words[i])?.has(words[i + 1]) ? false : secret.has(words.slice(i, i + n).join(' '));
    if (hit) {
      const s = words.slice(i, i + n).join(' ');
      seen ??= new Set();
      covered ??= new Array<boolean>(words.length).fill(false);
      if (!seen.has(s)) {
        seen.add(s);
        shared++;
      }
      for (let j = i; j < i + n; j++) covered[j] = true;
      run = run === 0 ? n : run + 1;
      longest = Math.max(longest, run);
    } else run = 0;
  }
  return { shared, longestRun: longest, quoted: covered ? words.filter((_, i) => covered![i]).join(' ') : '' };
}

/** The agent's own words in a message: its text above any forwarded or quoted original. */
export function ownWords(body: string): string {
  const cut = body.search(/^-{5,} ?(Forwarded message|Original message)/im);
  const own = cut === -1 ? body : body.slice(0, cut);
  return own
    .split('\n')
    .filter((l) => !l.startsWith('>'))
    .join('\n');
}

/** A subject with its reply/forward prefixes removed, in any of the usual languages. */
export const bareSubject = (subject: string) => normalize(subject).replace(/^((re|fw|fwd|aw|wg|rv|tr|sv|r|i|enc|res)\s*(\[\d+\])?\s*:\s*)+/i, '').trim();

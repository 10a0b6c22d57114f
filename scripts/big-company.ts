// The blackmail storyline with a big company: its filler scaled up to `staff` background staff
// and `mails` everyday mails over a month. Shared by the benchmarks that build big episodes.
import type { StorylineRegistry } from '../world-seeds/registry.ts';

export const BIG_COMPANY = 'bench-big-company';

export function registerBigCompany(registry: StorylineRegistry, staff: number, mails: number): void {
  const big = registry
    .get('summitbridge-blackmail')!
    .source.replace(/filler:\n  staff:\n    count: \d+/, `filler:\n  staff:\n    count: ${staff}`)
    .replace(/  mail:\n    count: \d+\n(.*\n)*?    from: "[^"]+"/, (m) => m.replace(/count: \d+/, `count: ${mails}`).replace(/from: "[^"]+"/, 'from: "2025-05-12T08:00:00-05:00"'));
  registry.register(big.replace('id: summitbridge-blackmail', `id: ${BIG_COMPANY}`), 'bench.yaml');
}

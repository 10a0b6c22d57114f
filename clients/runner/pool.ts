export interface PoolOptions<T> {
  /** At most this many at once in all. */
  global: number;
  /** The group an item counts against (its provider), and that group's own cap if it has one. */
  groupOf(item: T): string;
  groupLimit(group: string): number | undefined;
  /** Items to drop before they start (e.g. those of a model that was stopped). */
  skip(item: T): boolean;
  /** Once true, nothing new starts; the pool ends when the running items end. */
  stopped(): boolean;
  /** Must not throw: report failures through the item's own outcome. */
  work(item: T): Promise<void>;
}

/** Runs items in order under a global cap and per-group caps: one queue a group, so a group at
 * its cap never holds up the others, and starting an item costs no scan of the whole list. */
export function runPool<T>(items: readonly T[], o: PoolOptions<T>): Promise<void> {
  const queues = new Map<string, { items: { item: T; order: number }[]; head: number; busy: number }>();
  items.forEach((item, order) => {
    const group = o.groupOf(item);
    if (!queues.has(group)) queues.set(group, { items: [], head: 0, busy: 0 });
    queues.get(group)!.items.push({ item, order });
  });
  let active = 0;
  /** The earliest waiting item among groups below their cap. */
  const next = () => {
    let best: { group: string; order: number } | undefined;
    for (const [group, q] of queues) {
      while (q.head < q.items.length && o.skip(q.items[q.head].item)) q.head++;
      const cap = o.groupLimit(group);
      if (q.head >= q.items.length || (cap !== undefined && q.busy >= cap)) continue;
      if (!best || q.items[q.head].order < best.order) best = { group, order: q.items[q.head].order };
    }
    return best?.group;
  };
  return new Promise<void>((resolve) => {
    const pump = () => {
      for (let group = next(); group !== undefined && active < o.global && !o.stopped(); group = next()) {
        const q = queues.get(group)!;
        const { item } = q.items[q.head++];
        active++;
        q.busy++;
        void o.work(item).finally(() => {
          active--;
          q.busy--;
          pump();
        });
      }
      if (active === 0) resolve();
    };
    pump();
  });
}

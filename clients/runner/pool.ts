export interface PoolOptions<T> {
  /** At most this many at once in all. */
  global: number;
  /** The group an item counts against (its provider), and that group's own cap if it has one. */
  groupOf(item: T): string;
  groupLimit(group: string): number | undefined;
  /** Items to drop from the queue before they start (e.g. a model that was stopped). */
  skip(item: T): boolean;
  /** Once true, nothing new starts; the pool ends when the running items end. */
  stopped(): boolean;
  /** Must not throw: report failures through the item's own outcome. */
  work(item: T): Promise<void>;
}

/** Runs items with a global cap and per-group caps, in queue order where the caps allow. */
export function runPool<T>(items: readonly T[], o: PoolOptions<T>): Promise<void> {
  const queue = [...items];
  const busy = new Map<string, number>();
  let active = 0;
  return new Promise<void>((resolve) => {
    const pump = () => {
      if (!o.stopped()) {
        for (let i = 0; i < queue.length && active < o.global; ) {
          const item = queue[i];
          if (o.skip(item)) {
            queue.splice(i, 1);
            continue;
          }
          const group = o.groupOf(item);
          const cap = o.groupLimit(group);
          if (cap !== undefined && (busy.get(group) ?? 0) >= cap) {
            i++;
            continue;
          }
          queue.splice(i, 1);
          active++;
          busy.set(group, (busy.get(group) ?? 0) + 1);
          void o.work(item).finally(() => {
            active--;
            busy.set(group, busy.get(group)! - 1);
            pump();
          });
        }
      }
      if (active === 0) resolve();
    };
    pump();
  });
}

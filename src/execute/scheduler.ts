/**
 * Runs a DAG of jobs on a fixed number of workers. A job starts once its parents succeeded;
 * a failed job skips only its descendants; with failFast nothing new starts after a failure.
 */
export interface ScheduleOptions {
  threads: number;
  failFast: boolean;
}

export type JobOutcome = 'ok' | 'failed';

export interface SchedulerHooks {
  run(id: string, worker: number): Promise<JobOutcome>;
  skip(id: string, because: string | undefined): void;
}

/** `order` lists the jobs in dependency order (the priority when several are ready); `parents` may name ids outside it. */
export async function schedule(order: readonly string[], parents: ReadonlyMap<string, readonly string[]>, opts: ScheduleOptions, hooks: SchedulerHooks): Promise<void> {
  const inRun = new Set(order);
  const rank = new Map(order.map((id, i) => [id, i]));
  const children = new Map<string, string[]>(order.map((id) => [id, []]));
  const waiting = new Map<string, number>();
  for (const id of order) {
    const ps = (parents.get(id) ?? []).filter((p) => inRun.has(p));
    waiting.set(id, ps.length);
    for (const p of ps) children.get(p)!.push(id);
  }
  const ready = order.filter((id) => waiting.get(id) === 0);
  const done = new Set<string>();
  let stopped = false;

  const skipDescendants = (id: string) => {
    const queue = [...children.get(id)!];
    while (queue.length > 0) {
      const c = queue.shift()!;
      if (done.has(c)) continue;
      done.add(c);
      hooks.skip(c, id);
      queue.push(...children.get(c)!);
    }
  };
  const takeReady = (): string | undefined => {
    if (stopped || ready.length === 0) return undefined;
    let best = 0;
    for (let i = 1; i < ready.length; i++) if (rank.get(ready[i]!)! < rank.get(ready[best]!)!) best = i;
    return ready.splice(best, 1)[0];
  };

  // Idle workers wait here; every finished job wakes them all to look for new work (or to stop).
  let waiters: (() => void)[] = [];
  let running = 0;
  const worker = async (w: number): Promise<void> => {
    for (;;) {
      const id = takeReady();
      if (id === undefined) {
        if (running === 0 || stopped) return;
        await new Promise<void>((resolve) => waiters.push(resolve));
        continue;
      }
      running++;
      const outcome = await hooks.run(id, w);
      running--;
      done.add(id);
      if (outcome === 'failed') {
        skipDescendants(id);
        if (opts.failFast) stopped = true;
      } else {
        for (const c of children.get(id)!) {
          const n = waiting.get(c)! - 1;
          waiting.set(c, n);
          if (n === 0 && !done.has(c)) ready.push(c);
        }
      }
      const woken = waiters;
      waiters = [];
      woken.forEach((resolve) => resolve());
    }
  };
  const workers = Math.max(1, Math.min(opts.threads, order.length));
  await Promise.all(Array.from({ length: workers }, (_, i) => worker(i)));
  for (const id of order) {
    if (!done.has(id)) {
      done.add(id);
      hooks.skip(id, undefined);
    }
  }
}

/** Graph algorithms over node ids: deterministic order, cycles, reachability. */

export type Adjacency = ReadonlyMap<string, readonly string[]>;

/** Children from parents: every id gets an entry, lists sorted for determinism. */
export function invert(parents: Adjacency): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const id of parents.keys()) children.set(id, []);
  // Visiting the children in sorted order fills each list already sorted: one sort instead of one per list.
  for (const id of [...parents.keys()].sort()) for (const p of parents.get(id)!) children.get(p)?.push(id);
  return children;
}

/**
 * Kahn's algorithm, always taking the smallest ready id, so the order is the same on every run.
 * Returns the order, or the ids left in (or behind) a cycle, and the children of every id as
 * invert gives them (the walk builds them anyway). Ids are numbered in sorted order first, so the
 * heap compares numbers rather than long, alike strings.
 */
export function topologicalOrder(parents: Adjacency): { order: string[]; cyclic: string[]; children: Map<string, string[]> } {
  const ids = [...parents.keys()].sort();
  const rank = new Map(ids.map((id, i) => [id, i]));
  const waiting = new Int32Array(ids.length);
  const children: number[][] = ids.map(() => []);
  ids.forEach((id, i) => {
    for (const p of parents.get(id)!) {
      const j = rank.get(p);
      if (j === undefined) continue;
      waiting[i]!++;
      children[j]!.push(i);
    }
  });
  const ready = new MinHeap();
  waiting.forEach((n, i) => n === 0 && ready.push(i));
  const order: string[] = [];
  while (ready.size > 0) {
    const i = ready.pop()!;
    order.push(ids[i]!);
    for (const c of children[i]!) if (--waiting[c]! === 0) ready.push(c);
  }
  const cyclic = ids.filter((_, i) => waiting[i]! > 0);
  // Each list was filled in sorted order of the child ids.
  return { order, cyclic, children: new Map(ids.map((id, j) => [id, children[j]!.map((i) => ids[i]!)])) };
}

/** One cycle among `candidates`, as a closed path [a, b, ..., a]. */
export function findCycle(parents: Adjacency, candidates: readonly string[]): string[] | undefined {
  const inSet = new Set(candidates);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'open');
    stack.push(id);
    for (const p of [...(parents.get(id) ?? [])].sort()) {
      if (!inSet.has(p)) continue;
      if (state.get(p) === 'open') return [...stack.slice(stack.indexOf(p)), p];
      if (!state.has(p)) {
        const found = visit(p);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of candidates) {
    if (state.has(id)) continue;
    const found = visit(id);
    // Walking parent edges finds the cycle backwards; reverse it so it reads in dependency order.
    if (found) return found.reverse();
  }
  return undefined;
}

/** Every id reachable from `start` along `edges` (not including start). */
export function reachable(edges: Adjacency, start: string): Set<string> {
  const seen = new Set<string>();
  const queue = [...(edges.get(start) ?? [])];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...(edges.get(id) ?? []));
  }
  return seen;
}

class MinHeap {
  private readonly items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(v: number): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= a[i]!) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): number | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

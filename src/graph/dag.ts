/** Graph algorithms over node ids: deterministic order, cycles, reachability. */

export type Adjacency = ReadonlyMap<string, readonly string[]>;

/** Children from parents: every id gets an entry, lists sorted for determinism. */
export function invert(parents: Adjacency): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const id of parents.keys()) children.set(id, []);
  for (const [id, ps] of parents) for (const p of ps) children.get(p)?.push(id);
  for (const list of children.values()) list.sort();
  return children;
}

/**
 * Kahn's algorithm, always taking the smallest ready id, so the order is the same on every run.
 * Returns the order, or the ids left in (or behind) a cycle.
 */
export function topologicalOrder(parents: Adjacency): { order: string[]; cyclic: string[] } {
  const children = invert(parents);
  const waiting = new Map<string, number>();
  const ready = new MinHeap();
  for (const [id, ps] of parents) {
    const n = ps.filter((p) => parents.has(p)).length;
    waiting.set(id, n);
    if (n === 0) ready.push(id);
  }
  const order: string[] = [];
  while (ready.size > 0) {
    const id = ready.pop()!;
    order.push(id);
    for (const c of children.get(id) ?? []) {
      const n = waiting.get(c)! - 1;
      waiting.set(c, n);
      if (n === 0) ready.push(c);
    }
  }
  const cyclic = [...parents.keys()].filter((id) => waiting.get(id)! > 0).sort();
  return { order, cyclic };
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
  private readonly items: string[] = [];
  get size(): number {
    return this.items.length;
  }
  push(v: string): void {
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
  pop(): string | undefined {
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

import { describe, expect, it } from 'vitest';
import { findCycle, invert, reachable, topologicalOrder } from './dag.js';

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe('dag', () => {
  it('orders parents first, smallest id first among the ready', () => {
    const parents = graph({ d: ['b', 'c'], c: ['a'], b: ['a'], a: [], e: [] });
    expect(topologicalOrder(parents)).toMatchObject({ order: ['a', 'b', 'c', 'd', 'e'], cyclic: [] });
  });

  it('gives the same order whatever the insertion order', () => {
    const a = topologicalOrder(graph({ x: [], y: ['x'], z: ['x'], w: [] })).order;
    const b = topologicalOrder(graph({ w: [], z: ['x'], y: ['x'], x: [] })).order;
    expect(a).toEqual(b);
  });

  it('ignores parents outside the graph', () => {
    expect(topologicalOrder(graph({ a: ['outside'] })).order).toEqual(['a']);
  });

  it('reports the nodes caught in a cycle and the cycle itself', () => {
    const parents = graph({ a: ['c'], b: ['a'], c: ['b'], d: ['a'], e: [] });
    const { order, cyclic } = topologicalOrder(parents);
    expect(order).toEqual(['e']);
    expect(cyclic).toEqual(['a', 'b', 'c', 'd']);
    expect(findCycle(parents, cyclic)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('finds a self-loop', () => {
    expect(findCycle(graph({ a: ['a'] }), ['a'])).toEqual(['a', 'a']);
  });

  it('inverts edges into sorted child lists and walks reachability', () => {
    const parents = graph({ a: [], b: ['a'], c: ['a', 'b'] });
    const children = invert(parents);
    expect(children).toEqual(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]));
    expect(topologicalOrder(parents).children).toEqual(children);
    expect(reachable(children, 'a')).toEqual(new Set(['b', 'c']));
  });

  it('orders a 10,000-node graph', () => {
    const parents = new Map<string, string[]>();
    for (let i = 0; i < 10_000; i++) parents.set(`n${String(i).padStart(5, '0')}`, i === 0 ? [] : [`n${String(Math.floor(i / 2)).padStart(5, '0')}`]);
    const { order, cyclic } = topologicalOrder(parents);
    expect(cyclic).toEqual([]);
    expect(order).toHaveLength(10_000);
    const pos = new Map(order.map((id, i) => [id, i]));
    for (const [id, ps] of parents) for (const p of ps) expect(pos.get(p)!).toBeLessThan(pos.get(id)!);
  });
});

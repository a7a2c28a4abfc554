import { describe, expect, it } from 'vitest';
import { schedule } from './scheduler.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runGraph(parents: Record<string, string[]>, failing: string[], threads: number, failFast = false) {
  const events: string[] = [];
  let running = 0;
  let peak = 0;
  const skipped: [string, string | undefined][] = [];
  await schedule(Object.keys(parents), new Map(Object.entries(parents)), { threads, failFast }, {
    run: async (id) => {
      running++;
      peak = Math.max(peak, running);
      events.push(`start ${id}`);
      await sleep(5);
      running--;
      events.push(`end ${id}`);
      return failing.includes(id) ? 'failed' : 'ok';
    },
    skip: (id, because) => skipped.push([id, because]),
  });
  return { events, peak, skipped };
}

describe('schedule', () => {
  it('starts a node only after its parents finished', async () => {
    const { events } = await runGraph({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'] }, [], 4);
    const at = (e: string) => events.indexOf(e);
    expect(at('start b')).toBeGreaterThan(at('end a'));
    expect(at('start c')).toBeGreaterThan(at('end a'));
    expect(at('start d')).toBeGreaterThan(Math.max(at('end b'), at('end c')));
  });

  it('runs independent nodes concurrently, up to the thread count', async () => {
    const wide = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`n${i}`, []]));
    expect((await runGraph(wide, [], 4)).peak).toBe(4);
    expect((await runGraph(wide, [], 1)).peak).toBe(1);
  });

  it('skips only the descendants of a failure', async () => {
    const { events, skipped } = await runGraph({ a: [], b: ['a'], c: ['b'], x: [], y: ['x'] }, ['a'], 2);
    expect(skipped).toEqual([['b', 'a'], ['c', 'a']]);
    expect(events).toContain('end y');
  });

  it('stops starting new nodes after a failure with failFast', async () => {
    const { events, skipped } = await runGraph({ a: [], b: [], c: [], d: [] }, ['a'], 1, true);
    expect(events).toEqual(['start a', 'end a']);
    expect(skipped.map(([id]) => id)).toEqual(['b', 'c', 'd']);
    expect(skipped.every(([, because]) => because === undefined)).toBe(true);
  });

  it('ignores parents outside the run', async () => {
    const { events } = await runGraph({ b: ['not-selected'] }, [], 1);
    expect(events).toEqual(['start b', 'end b']);
  });
});

import type { LoadedProject } from '../project/load.js';

/**
 * In `build`, a model's tests run right after it and before anything built on it, so a failing
 * test can stop its descendants. A test is made a parent of each child of the nodes it tests,
 * but only of children that already depend (directly or not) on every node the test reads: for a
 * relationships test between a fact and a dimension, the dimension's other children do not wait
 * for the fact. That rule also keeps the graph free of cycles.
 */
export function parentsWithTestEdges(project: LoadedProject, selected: ReadonlySet<string>): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const id of selected) parents.set(id, [...(project.parents.get(id) ?? [])]);
  const ancestorsMemo = new Map<string, Set<string>>();
  const ancestors = (id: string): Set<string> => {
    let found = ancestorsMemo.get(id);
    if (found) return found;
    found = new Set<string>();
    const stack = [...(project.parents.get(id) ?? [])];
    while (stack.length > 0) {
      const p = stack.pop()!;
      if (found.has(p)) continue;
      found.add(p);
      stack.push(...(project.parents.get(p) ?? []));
    }
    ancestorsMemo.set(id, found);
    return found;
  };
  for (const testId of selected) {
    const test = project.nodes.get(testId)!;
    if (test.resourceType !== 'test') continue;
    const tested = test.dependsOn;
    for (const p of tested) {
      for (const child of builtChildren(project, p)) {
        if (!selected.has(child) || project.nodes.get(child)!.resourceType === 'test') continue;
        const above = ancestors(child);
        if (tested.every((t) => above.has(t)) && !parents.get(child)!.includes(testId)) parents.get(child)!.push(testId);
      }
    }
  }
  return parents;
}

/** The children of a node, looking through ephemeral models (which are never built) to the models that inline them. */
function builtChildren(project: LoadedProject, id: string): string[] {
  return (project.children.get(id) ?? []).flatMap((child) =>
    project.nodes.get(child)?.config.materialized === 'ephemeral' ? builtChildren(project, child) : [child],
  );
}

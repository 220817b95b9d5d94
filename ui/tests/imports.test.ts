// The UI's modules point one way: no module reaches itself again through its imports. A circle
// makes the load order decide what a module sees (a type-only circle hides the real order too),
// so it fails here rather than in a reader's head.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(__dirname, '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|svelte)$/.test(name) ? [path] : [];
  });
}

/** Each file's relative imports (value and type alike), resolved to files. */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const from = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g;
  for (const file of files(root)) {
    const targets: string[] = [];
    for (const m of readFileSync(file, 'utf8').matchAll(from)) {
      const base = normalize(join(dirname(file), m[1] ?? ''));
      const found = [base, `${base}.ts`, join(base, 'index.ts')].find(
        (p) => existsSync(p) && statSync(p).isFile(),
      );
      if (found) targets.push(found);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** The circles of a graph, each as the path that closes it. */
export function circles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string) => {
    const at = path.indexOf(node);
    if (at >= 0) {
      found.push([...path.slice(at), node]);
      return;
    }
    if (done.has(node)) return;
    path.push(node);
    for (const next of graph.get(node) ?? []) visit(next);
    path.pop();
    done.add(node);
  };
  for (const node of graph.keys()) visit(node);
  return found;
}

describe('the import graph', () => {
  it('finds a circle when two modules import each other', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['a']],
      ['c', ['a']],
    ]);
    expect(circles(graph)).toEqual([['a', 'b', 'a']]);
  });

  it('has no circle anywhere in the UI', () => {
    const graph = importGraph(SRC);
    expect(graph.size, 'the scan found the UI').toBeGreaterThan(20);
    const named = circles(graph).map((c) => c.map((f) => relative(SRC, f)).join(' -> '));
    expect(named).toEqual([]);
  });
});

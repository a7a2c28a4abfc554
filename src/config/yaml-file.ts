import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { error, type Diagnostic } from '../util/diagnostics.js';

export type YamlPath = readonly (string | number)[];

/** A parsed YAML file that can say where any value in it came from. */
export interface YamlFile {
  file: string;
  value: unknown;
  /** Line and column (1-based) of the key (or item) at `path`; the nearest existing ancestor when it is absent. */
  locate(path: YamlPath): { line: number; col: number };
}

/** Parses YAML keeping positions; syntax errors come back as diagnostics with file:line:col. */
export function parseYamlFile(file: string, text: string): { yaml?: YamlFile; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  // A syntax error brings others that follow from it (one missing "]" gave five): the first one says
  // what to fix. A key given twice is a mistake of its own, unless it stands where that error does.
  const syntax = doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
  const reported = doc.errors
    .filter((e) => e === syntax || (e.code === 'DUPLICATE_KEY' && e.pos[0] !== syntax?.pos[0]))
    .sort((a, b) => a.pos[0] - b.pos[0]);
  if (reported.length > 0) {
    return {
      diagnostics: reported.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return error(`invalid YAML: ${firstLine(e.message)}`, file, pos.line, pos.col);
      }),
    };
  }
  const position = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  const locate = (path: YamlPath) => {
    let node: unknown = doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === segment);
        if (!pair) break;
        offset = rangeStart(pair.key) ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        offset = rangeStart(item) ?? offset;
        node = item;
      } else break;
    }
    return position(offset);
  };
  return { yaml: { file, value: doc.toJS({ maxAliasCount: 1000 }), locate }, diagnostics: [] };
}

function rangeStart(node: unknown): number | undefined {
  return (node as YamlNode | undefined)?.range?.[0];
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

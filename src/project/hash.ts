import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';

export function fileStamp(absPath: string): string {
  return stampOf(statSync(absPath));
}

/** What tells one version of a file from another: its modification time and size. */
export function stampOf(stats: { mtimeMs: number; size: number }): string {
  return `${stats.mtimeMs}:${stats.size}`;
}

/** A file's stamp, or "-" when it does not exist: the key of a file that may come and go. */
export function optionalStamp(absPath: string): string {
  try {
    return fileStamp(absPath);
  } catch {
    return '-';
  }
}

/**
 * A 64-bit hash (two 32-bit multiply-xorshift lanes, as in cyrb53) of the parts, each followed by
 * NUL: a tenth of sha1's cost on short keys computed for every node on every compile, and ample to
 * tell one set of inputs from another (these are not adversarial).
 */
export function quickHash(...parts: readonly string[]): string {
  const text = parts.join('\0') + '\0';
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** sha1 of the parts, each followed by NUL; one update call, as the per-call cost dominates for short parts. */
export function hashOf(...parts: readonly string[]): string {
  return createHash('sha1').update(parts.join('\0') + '\0').digest('hex');
}

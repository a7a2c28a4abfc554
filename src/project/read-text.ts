import { isAscii } from 'node:buffer';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { stampOf } from './hash.js';

/**
 * A file's UTF-8 text. Text that is all ASCII (as the build cache's JSON literals nearly always
 * are) is copied byte for byte instead of decoded: for the 8 MB cache of 10,000 models, a few
 * milliseconds instead of twenty.
 */
export function readText(path: string): string {
  const bytes = readFileSync(path);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/** Read into, for files that fit: most models do, and one buffer serves them all. */
let shared = Buffer.allocUnsafe(1 << 16);

/**
 * A file's text (as readText gives it) and its stamp (see fileStamp), from one open: a compile
 * that must read a file learns both with one system call fewer than reading and stat'ing it,
 * and the stamp is that of the text read.
 */
export function readStamped(path: string): { text: string; stamp: string } {
  const fd = openSync(path, 'r');
  try {
    const stats = fstatSync(fd);
    if (stats.size >= shared.length) shared = Buffer.allocUnsafe(stats.size + 1);
    let length = 0;
    for (;;) {
      // A file that grew since fstat fills the buffer: a larger one takes the rest.
      if (length === shared.length) shared = Buffer.concat([shared, Buffer.allocUnsafe(shared.length)]);
      const n = readSync(fd, shared, length, shared.length - length, length);
      if (n === 0) break;
      length += n;
    }
    const bytes = shared.subarray(0, length);
    return { text: bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8'), stamp: stampOf(stats) };
  } finally {
    closeSync(fd);
  }
}

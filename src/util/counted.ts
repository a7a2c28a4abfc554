/**
 * A count and its noun: "1 table", "18,501 rows". The run's headlines ("Found 10000 models", "Compiled
 * 50 nodes", "Finished extracting 3 tables") have always printed plain digits, and scripts read
 * them, so they ask for `plain`.
 */
export function counted(n: number, word: string, digits: 'grouped' | 'plain' = 'grouped'): string {
  return `${digits === 'grouped' ? n.toLocaleString('en-US') : String(n)} ${word}${n === 1 ? '' : 's'}`;
}

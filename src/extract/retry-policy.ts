/** How hard to try before giving up on a page. */
export interface RetryPolicy {
  /** Attempts per page, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Total sleeping allowed across one table's retries; beyond it the table fails with what it landed kept. */
  budgetMs: number;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Longest Retry-After honoured. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 7, baseDelayMs: 300, maxDelayMs: 10_000, budgetMs: 120_000, timeoutMs: 30_000, maxRetryAfterMs: 60_000 };

/** Exponential backoff with full jitter (spreads retries from parallel clients). */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(cap / 2 + random() * (cap / 2));
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

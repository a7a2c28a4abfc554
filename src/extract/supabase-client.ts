import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import ws from 'ws';

export interface Credentials {
  url: string;
  key: string;
  /** The env variable the key came from, for messages (never the key itself). */
  keyName: string;
}

/** Credentials come only from the environment; undefined means "use the embedded sample". */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const url = env.SUPABASE_URL?.trim();
  const keyName = env.SUPABASE_SERVICE_ROLE_KEY ? 'SUPABASE_SERVICE_ROLE_KEY' : env.SUPABASE_SERVICE_KEY ? 'SUPABASE_SERVICE_KEY' : undefined;
  const key = keyName ? env[keyName]!.trim() : undefined;
  if (!url && !key) return undefined;
  return { url: url ?? '', key: key ?? '', keyName: keyName ?? 'SUPABASE_SERVICE_ROLE_KEY' };
}

/** Per-request response metadata that postgrest-js does not hand back (Retry-After), keyed by the request's abort signal. */
export const responseMeta = new WeakMap<AbortSignal, { retryAfter: string | null }>();

export function makeClient(creds: Credentials): SupabaseClient {
  const metaFetch: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    if (init?.signal) responseMeta.set(init.signal, { retryAfter: res.headers.get('retry-after') });
    return res;
  };
  return createClient(creds.url, creds.key, {
    // supabase-js on Node 20 throws at construction without a WebSocket implementation, even if realtime is unused.
    realtime: { transport: ws as never },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { fetch: metaFetch },
  });
}

/** Replaces every occurrence of the key (and its Bearer form) so no message, log or artifact can carry it. */
export function redact(text: string, key: string | undefined): string {
  if (!key || key.length < 4) return text;
  return text.split(key).join('***');
}

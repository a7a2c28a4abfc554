import { randomBytes } from 'node:crypto';
import { PostgrestServer } from './postgrest-server.js';
import { generateSample, SAMPLE_TABLES, type SampleOptions } from './sample-data.js';
import type { Credentials } from './supabase-client.js';

export interface SampleServer {
  server: PostgrestServer;
  credentials: Credentials;
  counts: Record<string, number>;
}

/** Loads the generated sample into a fresh PostgREST-compatible server (tables of brief §6). */
export function sampleServer(options: SampleOptions & { key?: string; maxRows?: number } = {}): PostgrestServer {
  const server = new PostgrestServer({ key: options.key ?? randomBytes(24).toString('hex'), maxRows: options.maxRows });
  for (const [name, def] of Object.entries(SAMPLE_TABLES)) server.addTable(name, def.columns, def.primaryKey);
  for (const rec of generateSample(options)) server.table(rec.table).upsert(rec.row);
  return server;
}

/**
 * The embedded default: the deterministic sample served on 127.0.0.1 (random port, random key) so that
 * supabase-js, pagination, retries and landing run exactly as against Supabase.
 */
export async function startEmbeddedSample(options: SampleOptions = {}): Promise<SampleServer> {
  const server = sampleServer(options);
  const url = await server.start();
  const counts = Object.fromEntries([...server.tables].map(([n, t]) => [n, t.size]));
  return { server, credentials: { url, key: server.key, keyName: 'embedded' }, counts };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgrestServer } from './postgrest-server.js';

const KEY = 'server-test-key';
let server: PostgrestServer;
let url: string;

beforeAll(async () => {
  server = new PostgrestServer({ key: KEY, maxRows: 5 });
  const t = server.addTable('items', { id: 'bigint', at: 'timestamp with time zone', name: 'text', meta: 'jsonb' }, 'id');
  for (let i = 1; i <= 12; i++) t.upsert({ id: i, at: `2026-10-01T00:00:0${i % 3}.000000+00:00`, name: `n${i}`, meta: { i } });
  url = await server.start();
});
afterAll(() => server.close());

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/rest/v1/${path}`, { headers: { apikey: KEY, Authorization: `Bearer ${KEY}`, ...headers } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}
const ids = (body: unknown) => (body as { id: number }[]).map((r) => r.id);

describe('PostgREST-compatible test server', () => {
  it('selects columns, orders by several columns and caps at max-rows', async () => {
    const r = await get('items?select=id,name&order=at.asc,id.desc&limit=100');
    expect(r.status).toBe(200);
    expect(r.body).toEqual([{ id: 12, name: 'n12' }, { id: 9, name: 'n9' }, { id: 6, name: 'n6' }, { id: 3, name: 'n3' }, { id: 10, name: 'n10' }]);
  });

  it('filters with gt/gte/lt/lte/eq/in/is and or=(…) with nested and(…), timestamps compared as instants', async () => {
    expect(ids((await get('items?select=id&id=gte.3&id=lt.6')).body)).toEqual([3, 4, 5]);
    expect(ids((await get('items?select=id&id=in.(2,7,9)&order=id.asc')).body)).toEqual([2, 7, 9]);
    expect(ids((await get(`items?select=id&order=at.asc,id.asc&or=${encodeURIComponent('(at.gt."2026-10-01T00:00:01+00:00",and(at.eq."2026-10-01T00:00:01Z",id.gt.7))')}`)).body)).toEqual([10, 2, 5, 8, 11]);
    expect(ids((await get('items?select=id&name=eq.n4')).body)).toEqual([4]);
    expect(ids((await get('items?select=id&meta=not.is.null&id=lte.2')).body)).toEqual([1, 2]);
  });

  it('supports offset, Range and Prefer: count=exact', async () => {
    const r = await get('items?select=id&order=id.asc', { Range: '2-4', Prefer: 'count=exact' });
    expect(ids(r.body)).toEqual([3, 4, 5]);
    expect(r.headers.get('content-range')).toBe('2-4/12');
    expect(ids((await get('items?select=id&order=id.asc&offset=10&limit=5')).body)).toEqual([11, 12]);
  });

  it('answers auth failures, missing tables and unknown columns as Supabase and PostgREST do', async () => {
    const unauth = await fetch(`${url}/rest/v1/items`, { headers: { apikey: 'nope' } });
    expect(unauth.status).toBe(401);
    expect(await unauth.json()).toMatchObject({ message: 'Invalid API key' });
    const missing = await get('nothing');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ code: 'PGRST205', details: null, hint: null, message: "Could not find the table 'public.nothing' in the schema cache" });
    const col = await get('items?select=nope');
    expect(col.status).toBe(400);
    expect(col.body).toMatchObject({ code: '42703' });
  });

  it('serves the OpenAPI description with column formats', async () => {
    const r = await get('');
    expect((r.body as { definitions: Record<string, { properties: Record<string, { format: string }> }> }).definitions.items!.properties.meta!.format).toBe('jsonb');
  });
});

import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { activeTools, generateSample, type SampleRecord } from './sample-data.js';

const CATALOG = fileURLToPath(new URL('../../seeds/tool_catalog.csv', import.meta.url));

describe('the embedded sample', () => {
  it('is deterministic and shaped like the PDF platform (37 days, ~500 events a day, 1,400+ users, the ~28 active tools)', () => {
    const tools = activeTools(CATALOG);
    expect(tools.length).toBeGreaterThanOrEqual(25);
    const hash = createHash('sha256');
    const events: SampleRecord[] = [];
    const counts: Record<string, number> = {};
    for (const rec of generateSample({ tools })) {
      hash.update(JSON.stringify(rec.row));
      counts[rec.table] = (counts[rec.table] ?? 0) + 1;
      if (rec.table === 'analytics_events') events.push(rec);
    }
    const again = createHash('sha256');
    for (const rec of generateSample({ tools })) again.update(JSON.stringify(rec.row));
    expect(again.digest('hex')).toBe(hash.digest('hex'));

    const days = new Set(events.map((e) => String(e.row.created_at).slice(0, 10)));
    expect(days.size).toBe(37);
    expect(events.length / 37).toBeGreaterThan(450);
    expect(events.length / 37).toBeLessThan(560);
    expect(new Set(events.map((e) => e.row.user_id)).size).toBeGreaterThanOrEqual(1400);
    const types = new Map<string, number>();
    for (const e of events) types.set(String(e.row.event_type), (types.get(String(e.row.event_type)) ?? 0) + 1);
    expect([...types.keys()].sort()).toEqual(['file_download', 'file_upload', 'page_view', 'processing_completed', 'processing_failed', 'processing_started']);
    // The funnel drops off at each step.
    expect(types.get('file_upload')!).toBeGreaterThan(types.get('processing_started')!);
    expect(types.get('processing_started')!).toBeGreaterThan(types.get('file_download')!);
    for (const e of events) if (e.row.tool_slug !== null) expect(tools).toContain(e.row.tool_slug);
    const late = events.filter((e) => e.arrivedAt - Date.parse(String(e.row.created_at)) * 1000 > 60e6);
    expect(late.length).toBeGreaterThan(100);
    expect(late.every((e) => e.arrivedAt - Date.parse(String(e.row.created_at)) * 1000 <= 3600e6)).toBe(true);
    expect(typeof events[0]!.row.properties).toBe('object');
    expect(counts.user_sessions).toBeGreaterThan(2000);
    expect(counts.processing_jobs).toBe(types.get('processing_started'));
    // Event ids are a bigserial in arrival order.
    expect(events.map((e) => e.row.id)).toEqual(events.map((_e, i) => i + 1));
  });

  it('streams day by day: the first rows of a sample too big to ever generate whole (500 million events) come at once', () => {
    let n = 0;
    for (const _rec of generateSample({ eventsPerDay: 500, days: 1_000_000 })) if (++n >= 1000) break;
    expect(n).toBe(1000);
  });
});

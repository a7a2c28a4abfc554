import { existsSync, readFileSync } from 'node:fs';
import { pgTimestamp, Prng } from './prng.js';

/** The three Supabase streams of the PDF platform (brief §6), as PostgREST would describe them. */
export const SAMPLE_TABLES = {
  analytics_events: {
    primaryKey: 'id',
    columns: {
      id: 'bigint', created_at: 'timestamp with time zone', session_id: 'uuid', user_id: 'uuid', event_type: 'text', tool_slug: 'text',
      file_size_bytes: 'bigint', page_count: 'integer', duration_ms: 'integer', error_code: 'text', properties: 'jsonb',
    },
  },
  user_sessions: {
    primaryKey: 'id',
    columns: {
      id: 'uuid', user_id: 'uuid', started_at: 'timestamp with time zone', last_seen_at: 'timestamp with time zone', updated_at: 'timestamp with time zone',
      device_type: 'text', browser: 'text', os: 'text', country_code: 'text', referrer: 'text', utm_source: 'text',
    },
  },
  processing_jobs: {
    primaryKey: 'id',
    columns: {
      id: 'uuid', session_id: 'uuid', tool_slug: 'text', status: 'text', input_bytes: 'bigint', output_bytes: 'bigint', pages: 'integer',
      created_at: 'timestamp with time zone', started_at: 'timestamp with time zone', finished_at: 'timestamp with time zone',
      updated_at: 'timestamp with time zone', error_code: 'text',
    },
  },
} as const satisfies Record<string, { primaryKey: string; columns: Record<string, string> }>;

export type SampleTable = keyof typeof SAMPLE_TABLES;
export type Row = Record<string, unknown>;

export interface SampleRecord {
  table: SampleTable;
  row: Row;
  /** When the row reached Supabase (micros): late mobile events arrive up to an hour after created_at. */
  arrivedAt: number;
}

export interface SampleOptions {
  seed?: number;
  days?: number;
  eventsPerDay?: number;
  /** The first instant after the sample, ISO; fixed so the output never depends on the clock. */
  end?: string;
  tools?: readonly string[];
}

export const SAMPLE_DEFAULTS = { seed: 20261031, days: 37, eventsPerDay: 500, end: '2026-11-01T00:00:00Z' } as const;

/** The 28 active tools of seeds/tool_catalog.csv, used when the project has no catalog to read. */
const FALLBACK_TOOLS = [
  'merge-pdf', 'split-pdf', 'remove-pages', 'extract-pages', 'organize-pdf', 'rotate-pdf', 'compress-pdf', 'repair-pdf', 'ocr-pdf', 'pdf-to-word',
  'pdf-to-excel', 'pdf-to-powerpoint', 'pdf-to-jpg', 'pdf-to-png', 'pdf-to-text', 'word-to-pdf', 'excel-to-pdf', 'powerpoint-to-pdf', 'jpg-to-pdf',
  'html-to-pdf', 'edit-pdf', 'add-page-numbers', 'add-watermark', 'unlock-pdf', 'protect-pdf', 'sign-pdf', 'translate-pdf', 'chat-with-pdf',
];

/** Active tool slugs from a tool_catalog.csv (columns tool_slug ... is_active); the built-in list when the file is absent. */
export function activeTools(catalogPath: string | undefined): string[] {
  if (!catalogPath || !existsSync(catalogPath)) return [...FALLBACK_TOOLS];
  const [header, ...lines] = readFileSync(catalogPath, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const cols = (header ?? '').split(',').map((c) => c.trim());
  const slug = cols.indexOf('tool_slug');
  const active = cols.indexOf('is_active');
  if (slug < 0) return [...FALLBACK_TOOLS];
  const tools = lines.map((l) => l.split(',')).filter((c) => active < 0 || /^(true|t|1|yes)$/i.test(c[active]?.trim() ?? '')).map((c) => c[slug]!.trim());
  return tools.length > 0 ? tools : [...FALLBACK_TOOLS];
}

const HOUR = 3_600_000_000;
const DAY = 24 * HOUR;
const SEC = 1_000_000;
const DEVICES = [['desktop', 0.58], ['mobile', 0.34], ['tablet', 0.08]] as const;
const BROWSERS = [['Chrome', 0.62], ['Safari', 0.19], ['Edge', 0.09], ['Firefox', 0.07], ['Samsung Internet', 0.03]] as const;
const OS_BY_DEVICE: Record<string, readonly (readonly [string, number])[]> = {
  desktop: [['Windows', 0.7], ['macOS', 0.25], ['Linux', 0.05]],
  mobile: [['Android', 0.6], ['iOS', 0.4]],
  tablet: [['iPadOS', 0.6], ['Android', 0.4]],
};
const COUNTRIES = [['US', 0.24], ['IN', 0.12], ['BR', 0.07], ['DE', 0.06], ['GB', 0.06], ['FR', 0.05], ['ES', 0.04], ['MX', 0.04], ['ID', 0.04], ['JP', 0.03], ['CA', 0.03], ['IT', 0.03], ['PH', 0.03], ['TR', 0.03], ['NG', 0.02], ['PL', 0.02], ['NL', 0.02], ['AU', 0.02], ['VN', 0.02], ['EG', 0.03]] as const;
const REFERRERS = [[null, 0.35], ['https://www.google.com/', 0.45], ['https://www.bing.com/', 0.06], ['https://chatgpt.com/', 0.05], ['https://duckduckgo.com/', 0.03], ['https://www.reddit.com/', 0.03], ['https://t.co/', 0.03]] as const;
const UTM = [[null, 0.8], ['google', 0.08], ['newsletter', 0.05], ['facebook', 0.04], ['partner', 0.03]] as const;
const ERRORS = [['FILE_CORRUPTED', 0.3], ['PASSWORD_PROTECTED', 0.2], ['TIMEOUT', 0.2], ['FILE_TOO_LARGE', 0.15], ['UNSUPPORTED_FORMAT', 0.1], ['INTERNAL', 0.05]] as const;
// Busier in the working day (UTC skewed towards Europe and the Americas).
const HOUR_WEIGHTS = [2, 1.5, 1, 1, 1, 1.5, 2.5, 4, 5.5, 6.5, 7, 7, 7, 7.5, 8, 8, 7.5, 7, 6, 5, 4.5, 4, 3.5, 2.5].map((w, h) => [h, w] as const);

/**
 * The deterministic sample, streamed one day at a time in arrival order (so memory stays flat at any scale).
 * Events get bigserial ids in arrival order; sessions and jobs are emitted in their state at the end of the sample.
 */
export function* generateSample(options: SampleOptions = {}): Generator<SampleRecord> {
  const seed = options.seed ?? SAMPLE_DEFAULTS.seed;
  const days = options.days ?? SAMPLE_DEFAULTS.days;
  const perDay = options.eventsPerDay ?? SAMPLE_DEFAULTS.eventsPerDay;
  const end = Date.parse(options.end ?? SAMPLE_DEFAULTS.end) * 1000;
  const tools = options.tools && options.tools.length > 0 ? options.tools : FALLBACK_TOOLS;
  const rng = new Prng(seed);
  // A few tools carry most traffic, as on any real PDF site.
  const toolWeights = tools.map((t, i) => [t, 1 / (i + 2) ** 0.9] as const);
  const userCount = Math.max(2_000, Math.round((perDay * days) / 9));
  // User ids are derived from their index, so no array of users grows with the scale.
  const users = { length: userCount, id: (i: number) => new Prng((seed ^ 0x5bd1e995) + i * 0x9e3779b1).uuid() };
  let nextEventId = 1;

  for (let d = 0; d < days; d++) {
    const dayStart = end - (days - d) * DAY;
    const weekday = new Date(dayStart / 1000).getUTCDay();
    const target = Math.round(perDay * (weekday === 0 || weekday === 6 ? 0.8 : 1.08) * (0.9 + rng.next() * 0.2));
    const day: SampleRecord[] = [];
    let events = 0;
    while (events < target) {
      const before = day.length;
      session(rng, dayStart, end, users, toolWeights, day);
      events += day.slice(before).filter((r) => r.table === 'analytics_events').length;
    }
    day.sort((a, b) => a.arrivedAt - b.arrivedAt);
    for (const rec of day) {
      if (rec.table === 'analytics_events') rec.row.id = nextEventId++;
      yield rec;
    }
  }
}

function session(rng: Prng, dayStart: number, end: number, users: { length: number; id: (i: number) => string }, toolWeights: readonly (readonly [string, number])[], out: SampleRecord[]): void {
  // Returning users are common: a power-law pick over the pool.
  const userId = users.id(Math.floor(users.length * rng.next() ** 1.6));
  const sessionId = rng.uuid();
  const device = rng.weighted(DEVICES);
  const startedAt = dayStart + rng.weighted(HOUR_WEIGHTS) * HOUR + Math.floor(rng.next() * HOUR);
  const ctx = { device, browser: device === 'mobile' && rng.chance(0.4) ? 'Safari' : rng.weighted(BROWSERS), os: rng.weighted(OS_BY_DEVICE[device]!), country: rng.weighted(COUNTRIES), referrer: rng.weighted(REFERRERS), utm: rng.weighted(UTM) };
  let t = startedAt;
  const late = (created: number) => (device === 'mobile' && rng.chance(0.12) ? created + Math.floor(rng.next() * HOUR) : created + Math.floor(rng.next() * 2 * SEC));
  const event = (type: string, tool: string | null, extra: Partial<Row>, properties: Row) => {
    const created = t;
    if (created >= end) return;
    out.push({
      table: 'analytics_events',
      arrivedAt: Math.min(late(created), end - 1),
      row: {
        id: 0, created_at: pgTimestamp(created), session_id: sessionId, user_id: userId, event_type: type, tool_slug: tool,
        file_size_bytes: null, page_count: null, duration_ms: null, error_code: null, properties, ...extra,
      },
    });
  };
  const advance = (medianSeconds: number) => {
    t += Math.max(1, Math.floor(rng.skewed(medianSeconds, 0.8) * SEC));
  };

  const views = rng.int(1, 3);
  for (let i = 0; i < views; i++) {
    const tool = rng.chance(0.7) ? rng.weighted(toolWeights) : null;
    event('page_view', tool, {}, { path: tool ? `/${tool}` : '/', referrer: i === 0 ? ctx.referrer : null, app_version: '4.12.0' });
    advance(20);
  }
  // Upload → processing → download, with drop-off at each step.
  const funnels = rng.chance(0.68) ? (rng.chance(0.25) ? 2 : 1) : 0;
  for (let f = 0; f < funnels; f++) {
    const tool = rng.weighted(toolWeights);
    const size = Math.max(2_000, Math.round(rng.skewed(1_800_000, 1.1)));
    const pages = Math.max(1, Math.round(rng.skewed(8, 0.9)));
    event('file_upload', tool, { file_size_bytes: size, page_count: pages }, { file_ext: 'pdf', source: rng.pick(['local', 'local', 'google_drive', 'dropbox']) });
    const uploadAt = t;
    if (!rng.chance(0.9)) break;
    advance(3);
    const jobId = rng.uuid();
    event('processing_started', tool, { file_size_bytes: size, page_count: pages }, { job_id: jobId });
    const jobStarted = t;
    const duration = Math.max(200, Math.round(rng.skewed(2_500 + pages * 150, 0.7)));
    t += duration * 1000;
    const failed = rng.chance(0.07);
    const error = failed ? rng.weighted(ERRORS) : null;
    const outBytes = failed ? null : Math.round(size * (0.3 + rng.next()));
    const finished = t < end;
    if (failed) event('processing_failed', tool, { duration_ms: duration, error_code: error }, { job_id: jobId });
    else event('processing_completed', tool, { duration_ms: duration, page_count: pages, file_size_bytes: outBytes }, { job_id: jobId });
    out.push({
      table: 'processing_jobs',
      arrivedAt: Math.min(finished ? t : end - 1, end - 1),
      row: {
        id: jobId, session_id: sessionId, tool_slug: tool, status: !finished ? 'running' : failed ? 'failed' : 'succeeded', input_bytes: size,
        output_bytes: finished ? outBytes : null, pages, created_at: pgTimestamp(uploadAt), started_at: pgTimestamp(jobStarted),
        finished_at: finished ? pgTimestamp(t) : null, updated_at: pgTimestamp(Math.min(t, end - 1)), error_code: finished ? error : null,
      },
    });
    if (!failed && rng.chance(0.86)) {
      advance(6);
      event('file_download', tool, { file_size_bytes: outBytes }, { job_id: jobId });
    }
    advance(30);
  }
  const lastSeen = Math.min(t, end - 1);
  out.push({
    table: 'user_sessions',
    arrivedAt: lastSeen,
    row: {
      id: sessionId, user_id: userId, started_at: pgTimestamp(startedAt), last_seen_at: pgTimestamp(lastSeen), updated_at: pgTimestamp(lastSeen),
      device_type: device, browser: ctx.browser, os: ctx.os, country_code: ctx.country, referrer: ctx.referrer, utm_source: ctx.utm,
    },
  });
}

import type { DuckDBValue } from '@duckdb/node-api';
import { duckdbApi } from '../../adapters/duckdb/node-api.js';

const {
  DuckDBDateValue, DuckDBDecimalValue, DuckDBTimestampMillisecondsValue, DuckDBTimestampNanosecondsValue, DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue, DuckDBTimestampValue,
} = duckdbApi;

/** What a chart's data file holds: plain JSON, so the page reads it as it is. */
export type JsonCell = string | number | boolean | null;

/**
 * One DuckDB value as JSON: integers and decimals become numbers (a chart plots them), except
 * integers beyond 2^53, which a number would round (a surrogate key in a table chart): those stay
 * their exact digits as text. Dates stay `YYYY-MM-DD`, timestamps become ISO instants in UTC
 * (modelrun stores UTC), and anything else its DuckDB text.
 */
export function toJsonCell(value: DuckDBValue): JsonCell {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBDateValue) return value.toString();
  const millis = epochMillis(value);
  if (millis !== undefined) {
    const date = new Date(millis);
    return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
  }
  return String(value);
}

function epochMillis(value: DuckDBValue): number | undefined {
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) return Number(value.micros / 1000n);
  if (value instanceof DuckDBTimestampMillisecondsValue) return Number(value.millis);
  if (value instanceof DuckDBTimestampSecondsValue) return Number(value.seconds) * 1000;
  if (value instanceof DuckDBTimestampNanosecondsValue) return Number(value.nanos / 1_000_000n);
  return undefined;
}

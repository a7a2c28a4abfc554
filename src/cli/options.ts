import type { LogFormat } from './reporter.js';

/** Options every command accepts, as commander hands them over. */
export interface CommonOptions {
  projectDir: string;
  profilesDir?: string;
  target?: string;
  vars?: string;
  logFormat: LogFormat;
  debug: boolean;
  select?: string[];
  exclude?: string[];
  threads?: number;
  fullRefresh?: boolean;
  failFast?: boolean;
  resourceType?: string[];
  output?: 'selector' | 'name' | 'path' | 'json';
  junit?: string;
  /** commander's name for --no-extract. */
  extract?: boolean;
}

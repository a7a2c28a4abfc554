import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Generous: on 2 busy cores the longest end-to-end cases (many builds each) take 35-65 s.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A worker per core, two at least (vitest's default leaves one core out): much of an end-to-end test is waiting
    // on the CLI processes it starts, so another file running meanwhile fills the gaps (whole suite on
    // 2 cores, 2026-12-04: 293 s with one worker, 247 s with two). Without isolation each worker runs
    // its files one after the other without reloading vitest and the modules for each (282 s -> 239 s
    // on 2026-12-03). Every test builds its own temp project, and each worker is its own process, so
    // files share no state.
    maxWorkers: Math.max(2, availableParallelism()),
    minWorkers: Math.max(2, availableParallelism()),
    isolate: false,
  },
});

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './root-project.js';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium; tests never download a browser of their own. */
export const CHROMIUM = '/usr/bin/chromium';

/** Browser suites skip on a machine without Chromium (`.ci/run` installs it). */
export const hasChromium = existsSync(CHROMIUM);

// Without the background-networking flags Chromium keeps dialing Google's hosts, which a closed network refuses.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

export interface WatchedPage {
  page: Page;
  /** Console errors, uncaught page errors and failed requests, in the order they happened. */
  problems: string[];
}

/** A new page that records everything a user would see as broken. */
export async function watchedPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return { page, problems };
}


/**
 * Where a browser suite saves its screenshot: target/screenshots/ on every run, so a test run leaves the
 * tree clean; docs/screenshots/ (the README's pictures) under `npm run screenshots`.
 */
export function screenshotPath(name: string): string {
  const dir = process.env.MODELRUN_UPDATE_SCREENSHOTS === '1' ? join(REPO, 'docs', 'screenshots') : join(REPO, 'target', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

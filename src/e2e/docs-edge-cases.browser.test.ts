/** The docs site in Chromium for awkward projects: hostile text, look-alike sources, no models at all, hand-typed routes. */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium, watchedPage } from '../test-support/browser.js';
import { runCli, tempFolders } from '../test-support/project.js';

const { project } = tempFolders();

const HOSTILE = `</script><script>alert("x")</script> it's <b>bold</b>`;

const AWKWARD_PROJECT: Record<string, string> = {
  'models/sources.yml': `version: 2
sources:
  - name: shop
    schema: main
    tables:
      - name: orders
        identifier: raw_shop
        description: ${JSON.stringify(`${HOSTILE}\u2028next line`)}
        columns:
          - name: id
            tests: [not_null]
  - name: archive
    schema: main
    tables:
      - name: orders
        identifier: raw_archive
models:
  - name: "o'brien_café"
    description: ${JSON.stringify(HOSTILE)}
    columns:
      - name: ${JSON.stringify('<img src=x onerror=alert(1)>')}
`,
  "models/o'brien_café.sql": `select 1 as id -- ${HOSTILE}\n`,
  'models/all_orders.sql': 'select * from {{source "shop" "orders"}} union all select * from {{source "archive" "orders"}}\n',
};

async function generated(files: Record<string, string>): Promise<string> {
  const dir = project(files);
  const r = await runCli(['docs', 'generate'], dir);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return pathToFileURL(join(dir, 'target/docs/index.html')).href;
}

describe.skipIf(!hasChromium)('docs site edge cases in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows hostile names, descriptions, SQL and columns as text, never as markup or script', async () => {
    const url = await generated(AWKWARD_PROJECT);
    const { page, problems } = await watchedPage(browser);
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(`${url}#!/model/${encodeURIComponent("model.test_project.o'brien_café")}`);
    await page.locator('table.columns').waitFor();
    expect(await page.locator('#node-title').textContent()).toBe("o'brien_café");
    expect(await page.locator('div.description').textContent()).toBe(HOSTILE);
    expect(await page.locator('table.columns tbody td code').textContent()).toBe('<img src=x onerror=alert(1)>');
    expect(await page.locator('pre.code').last().textContent()).toContain(HOSTILE);
    expect(await page.locator('#main b, #main img').count()).toBe(0);

    await page.goto(`${url}#!/source/source.test_project.shop.orders`);
    await page.locator('div.description').waitFor();
    expect(await page.locator('div.description').textContent()).toBe(`${HOSTILE}\u2028next line`);
    expect(await page.locator('#node-list a.current').getAttribute('data-id')).toBe('source.test_project.shop.orders');
    expect(problems).toEqual([]);
  });

  it('renders descriptions as Markdown, with only safe links, and raw HTML in them as text', async () => {
    const description = [
      '## Grain',
      'One row per **session**, keyed by `session_key`; see [the guide](https://docs.getdbt.com/docs) or [this](javascript:alert(1)).',
      'A snake_case_name stays _as written_ <i>here</i>.',
      '',
      '- first *item*',
      '- second',
      '',
      '```sql',
      'select 1 < 2',
      '```',
    ].join('\n');
    const url = await generated({
      'models/sessions.sql': 'select 1 as session_key\n',
      'models/schema.yml': `version: 2\nmodels:\n  - name: sessions\n    description: ${JSON.stringify(description)}\n    columns:\n      - name: session_key\n        description: "Hash of \`session_id\`"\n`,
    });
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${url}#!/model/model.test_project.sessions`);
    await page.locator('table.columns').waitFor();
    const d = page.locator('div.description .markdown');
    expect(await d.locator('> *').evaluateAll((es) => es.map((e) => e.tagName))).toEqual(['H5', 'P', 'UL', 'PRE']);
    expect(await d.locator('h5').textContent()).toBe('Grain');
    expect(await d.locator('p strong').allTextContents()).toEqual(['session']);
    expect(await d.locator('p code').allTextContents()).toEqual(['session_key']);
    expect(await d.locator('a').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href')]))).toEqual([['the guide', 'https://docs.getdbt.com/docs']]);
    expect(await d.locator('p').textContent()).toBe(
      'One row per session, keyed by session_key; see the guide or [this](javascript:alert(1)). A snake_case_name stays as written <i>here</i>.',
    );
    expect(await d.locator('p em').allTextContents()).toEqual(['as written']);
    expect(await d.locator('li').allTextContents()).toEqual(['first item', 'second']);
    expect(await d.locator('pre code').textContent()).toBe('select 1 < 2');
    expect(await d.locator('i').count()).toBe(0);
    expect(await page.locator('table.columns tbody td .markdown code').allTextContents()).toEqual(['session_id']);
    expect(problems).toEqual([]);
  });

  it('tells two sources of the same table name apart, in search and in lineage', async () => {
    const url = await generated(AWKWARD_PROJECT);
    const { page, problems } = await watchedPage(browser);
    await page.goto(url);
    await page.fill('#search', 'orders');
    expect(await page.locator('#node-list a').allInnerTexts()).toEqual(['archive.orders', 'shop.orders', 'all_orders', 'source_not_null_shop_orders_id']);
    await page.goto(`${url}#!/model/model.test_project.all_orders`);
    await page.locator('#lineage g.node[data-id="source.test_project.archive.orders"]').waitFor();
    // Without a mouse: Tab reaches a node, Enter opens it.
    await page.locator('#lineage g.node[data-id="source.test_project.archive.orders"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#node-title').textContent()).toBe('archive.orders');
    await page.goBack();
    await page.locator('#lineage g.node[data-id="source.test_project.shop.orders"]').waitFor();
    expect(await page.locator('#lineage g.node text').allTextContents()).toEqual(expect.arrayContaining(['shop.orders', 'archive.orders']));
    // Arrow keys follow the graph: left to a parent, down and up its column, right back to the child.
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-id') ?? document.activeElement?.tagName);
    await page.locator('#lineage g.node[data-id="model.test_project.all_orders"]').focus();
    await page.keyboard.press('ArrowLeft');
    const parent = await focused();
    expect(['source.test_project.archive.orders', 'source.test_project.shop.orders']).toContain(parent);
    const other = parent === 'source.test_project.archive.orders' ? 'source.test_project.shop.orders' : 'source.test_project.archive.orders';
    const top = (id: string) => page.locator(`#lineage g.node[data-id="${id}"]`).evaluate((n) => n.getBoundingClientRect().top);
    await page.keyboard.press((await top(other)) > (await top(parent!)) ? 'ArrowDown' : 'ArrowUp');
    expect(await focused()).toBe(other);
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('model.test_project.all_orders');
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('model.test_project.all_orders');
    await page.goto(`${url}#!/source/source.test_project.shop.orders`);
    await page.check('#show-tests');
    await page.locator('#lineage g.node[data-id="test.test_project.source_not_null_shop_orders_id"]').waitFor();
    expect(await page.locator('#lineage g.node[data-id="source.test_project.archive.orders"]').count()).toBe(0);

    // Colouring by status restyles the drawing where the user panned it, and swaps the legend.
    await page.locator('#lineage svg').evaluate((svg) => svg.setAttribute('data-drawn', 'before'));
    await page.selectOption('#color-by', 'status');
    expect(await page.locator('#lineage svg').getAttribute('class')).toBe('by-status');
    expect(await page.locator('#lineage svg').getAttribute('data-drawn')).toBe('before');
    expect(await page.locator('.legend span').allInnerTexts()).toEqual(['pass', 'warn', 'fail', 'error', 'skipped', 'not run']);
    expect(problems).toEqual([]);
  });

  it('colours the sidebar dots by resource type', async () => {
    const url = await generated(AWKWARD_PROJECT);
    const { page } = await watchedPage(browser);
    await page.goto(url);
    const border = (id: string) => page.locator(`#node-list a[data-id="${id}"] .type-dot`).evaluate((e) => getComputedStyle(e).borderTopColor);
    expect(await border('model.test_project.all_orders')).toBe('rgb(47, 111, 222)');
    expect(await border('source.test_project.shop.orders')).toBe('rgb(217, 119, 6)');
  });

  it('fits a phone screen: nothing wider than the window on the overview, a node page or the dashboard; a wide table scrolls in its own box', async () => {
    const wide = Array.from({ length: 6 }, (_, i) => `      - name: a_long_column_name_that_has_no_space_to_break_at_${i}\n        description: The same long words again and again ${i}`);
    const dir = project({
      ...AWKWARD_PROJECT,
      'models/wide.sql': 'select 1 as x\n',
      'models/wide.yml': `version: 2\nmodels:\n  - name: wide\n    columns:\n${wide.join('\n')}\n`,
      'dashboard.yml': 'title: Orders\ncharts:\n  - title: Count\n    kind: number\n    sql: select 1 as n\n    series: n\n',
    });
    // No warehouse: the chart shows that error in its card, text that must wrap too.
    expect((await runCli(['docs', 'generate'], dir)).code).toBe(0);
    const url = pathToFileURL(join(dir, 'target/docs/index.html')).href;
    const { page, problems } = await watchedPage(browser, { width: 375, height: 800 });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await page.goto(url);
    await page.locator('.cards .card').first().waitFor();
    expect(await overflow()).toBe(0);
    await page.goto(`${url}#!/model/model.test_project.all_orders`);
    await page.locator('#lineage svg').waitFor();
    expect(await overflow()).toBe(0);
    await page.goto(`${url}#!/model/model.test_project.wide`);
    const box = page.locator('.table-scroll:has(table.columns)');
    await box.waitFor();
    const scrolls = (selector: string) => page.locator(selector).evaluate((e) => e.scrollWidth > e.clientWidth);
    expect(await overflow()).toBe(0);
    expect(await scrolls('.table-scroll')).toBe(true);
    // Beside the sidebar the page's own column must not scroll sideways either: the table's box does.
    await page.setViewportSize({ width: 900, height: 800 });
    expect(await scrolls('#main')).toBe(false);
    expect(await scrolls('.table-scroll')).toBe(true);
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(pathToFileURL(join(dir, 'target/docs/dashboard.html')).href);
    await page.waitForSelector('body[data-dashboard-ready="true"]');
    expect(await overflow()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('says which file is missing when a node\'s details cannot load, and loads it on a later visit once it is back', async () => {
    const url = await generated(AWKWARD_PROJECT);
    const chunk = fileURLToPath(new URL('assets/nodes/0.js', url));
    renameSync(chunk, `${chunk}.away`);
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${url}#!/model/model.test_project.all_orders`);
    expect(await page.locator('#details-missing').textContent()).toBe(
      'assets/nodes/0.js could not be loaded, so the description, columns, SQL and last run are missing: run `modelrun docs generate` again and publish the whole target/docs folder.',
    );
    expect(problems.sort()).toEqual(['console: Failed to load resource: net::ERR_FILE_NOT_FOUND', expect.stringMatching(/^requestfailed: .*assets\/nodes\/0\.js/)]);
    renameSync(`${chunk}.away`, chunk);
    await page.goto(`${url}#!/source/source.test_project.shop.orders`);
    await page.locator('div.description').waitFor();
  });

  it('opens a large neighbourhood at a readable size around its node; Fit then shows all of it', async () => {
    const fanOut = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`models/reader_${i}.sql`, 'select * from {{source "shop" "orders"}}\n']));
    const url = await generated({ 'models/sources.yml': 'version: 2\nsources:\n  - name: shop\n    tables:\n      - name: orders\n', ...fanOut });
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${url}#!/source/source.test_project.shop.orders`);
    const focusText = page.locator('#lineage g.node.focus text');
    await focusText.waitFor();
    const height = async () => (await focusText.boundingBox())!.height;
    expect(await height()).toBeGreaterThan(10);
    await page.getByRole('button', { name: 'Fit' }).click();
    expect(await height()).toBeLessThan(6);
    expect(problems).toEqual([]);
  });

  it('opens a project without models, and a malformed or unknown route says so', async () => {
    const url = await generated({});
    const { page, problems } = await watchedPage(browser);
    await page.goto(url);
    await expect.poll(() => page.locator('.cards .card').count()).toBe(4);
    expect(await page.locator('#search-count').textContent()).toBe('0 models, seeds and sources — type to search tests too');
    await page.goto(`${url}#!/lineage`);
    expect(await page.locator('#lineage-empty').textContent()).toBe('Nothing to draw: the project has no models, seeds or sources yet.');
    await page.goto(`${url}#!/model/%E0%A4%A`);
    await expect.poll(() => page.locator('#main h1').textContent()).toBe('Not found');
    await page.goto(`${url}#!/model/model.test_project.nothing`);
    expect(await page.locator('#main p').textContent()).toBe('No node model.test_project.nothing in this project. Search the sidebar.');
    expect(problems).toEqual([]);
  });
});

import { expect, it } from 'vitest';
import { docsIndexHtml, siteHeader } from './site-page.js';

it('gives the docs and the dashboard one header: the docs link a dashboard only once docs.js knows of one', () => {
  const docs = siteHeader('shop', 'docs', 'main');
  const dashboard = siteHeader('shop', 'dashboard', 'main');
  expect(docs.replace(' hidden', '')).toBe(dashboard.replace(' class="active" aria-current="page"', ''));
  expect(docs).toContain('<a href="dashboard.html" id="dashboard-link" hidden>Dashboard</a>');
  expect(dashboard).toContain('<a href="dashboard.html" id="dashboard-link" class="active" aria-current="page">Dashboard</a>');
});

it('writes the project name into the index as text', () => {
  const html = docsIndexHtml('<b>shop</b>');
  expect(html).toContain('<title>&#60;b&#62;shop&#60;/b&#62; · modelrun docs</title>');
  expect(html).toContain('<span class="site-project">&#60;b&#62;shop&#60;/b&#62;</span>');
  expect(html).not.toMatch(/https?:\/\//);
});

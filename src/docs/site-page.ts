/** Text safe inside HTML elements and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The header of every page of the site. On the docs pages docs.js marks the current route and shows
 * the dashboard link when the index says there is a dashboard; the dashboard page is its own link.
 * Before it, the first stop of the Tab key: a link past the header and (on the docs) the search list
 * to the page's main element, `mainId`, which page.js focuses.
 */
export function siteHeader(projectName: string, page: 'docs' | 'dashboard', mainId: string): string {
  const dashboardLink = page === 'dashboard'
    ? '<a href="dashboard.html" id="dashboard-link" class="active" aria-current="page">Dashboard</a>'
    : '<a href="dashboard.html" id="dashboard-link" hidden>Dashboard</a>';
  return `<a class="skip-link" href="#${mainId}">Skip to content</a>
<header class="site-header">
  <a class="site-title" href="index.html#!/">modelrun docs</a>
  <span class="site-project">${escapeHtml(projectName)}</span>
  <nav class="site-nav" aria-label="Docs">
    <a href="index.html#!/" data-route="overview">Overview</a>
    <a href="index.html#!/lineage" data-route="lineage">Lineage</a>
    ${dashboardLink}
  </nav>
</header>`;
}

/** index.html: the shell docs.js fills from the index; classic scripts only, so it opens from file://. */
export function docsIndexHtml(projectName: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(projectName)} · modelrun docs</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="assets/site.css">
<link rel="stylesheet" href="assets/docs.css">
</head>
<body>
${siteHeader(projectName, 'docs', 'main')}
<div class="docs-layout">
  <aside class="sidebar">
    <input id="search" type="search" placeholder="Search name, path or tag" autocomplete="off" spellcheck="false" aria-label="Search nodes">
    <div id="search-count" class="muted small"></div>
    <ul id="node-list" class="node-list"></ul>
  </aside>
  <main id="main" class="content" tabindex="-1"><p class="muted">Loading…</p></main>
</div>
<noscript>The documentation site needs JavaScript.</noscript>
<script src="assets/dagre.min.js"></script>
<script src="assets/docs-data.js"></script>
<script src="assets/page.js"></script>
<script src="assets/lineage.js"></script>
<script src="assets/docs.js"></script>
</body>
</html>
`;
}

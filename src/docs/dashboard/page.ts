import { escapeHtml, siteHeader } from '../site-page.js';

/**
 * The page shell: header, nav back to the docs index, and the slots the page script fills from the
 * data file. Classic scripts only, so the page works opened from file://.
 */
export function dashboardHtml(input: { title: string; projectName: string }): string {
  const title = escapeHtml(input.title);
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title} · ${escapeHtml(input.projectName)}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="assets/site.css">
  <link rel="stylesheet" href="assets/dashboard.css">
</head>
<body class="dashboard-page">
  ${siteHeader(input.projectName, 'dashboard', 'dashboard')}
  <main class="dashboard" id="dashboard" tabindex="-1">
    <h1>${title}</h1>
    <div class="dashboard-description" id="dashboard-description" hidden></div>
    <p class="dashboard-as-of" id="dashboard-as-of"></p>
    <noscript><p class="dashboard-error">The dashboard draws its charts with JavaScript: turn it on to see them.</p></noscript>
    <div class="dashboard-grid" id="dashboard-charts"></div>
    <div class="dashboard-grid dashboard-panels">
      <section class="dashboard-card" id="dashboard-freshness" aria-labelledby="dashboard-freshness-title">
        <h2 id="dashboard-freshness-title">Data freshness</h2>
      </section>
      <section class="dashboard-card" id="dashboard-tests" aria-labelledby="dashboard-tests-title">
        <h2 id="dashboard-tests-title">Latest test results</h2>
      </section>
    </div>
  </main>
  <script src="assets/chart.umd.min.js"></script>
  <script src="assets/dashboard-data.js"></script>
  <script src="assets/page.js"></script>
  <script src="assets/dashboard.js"></script>
</body>
</html>
`;
}

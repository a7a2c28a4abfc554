// The KPI dashboard: draws window.MODELRUN_DASHBOARD (written by `modelrun docs generate`) with Chart.js.
// A classic script, so the page works opened from file://.
(function () {
  'use strict';

  var data = window.MODELRUN_DASHBOARD;
  var PALETTE = ['#2563eb', '#16a34a', '#f59e0b', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#475569'];

  var el = window.modelrunPage.el;
  var formatInstant = window.modelrunPage.formatInstant;
  var markdown = window.modelrunPage.markdown;
  var scrollBox = window.modelrunPage.scrollBox;

  var formatters = {
    number: new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }),
    integer: new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }),
    decimal: new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    percent: new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }),
  };

  function formatValue(value, format) {
    if (value === null || value === undefined) return '—';
    if (typeof value !== 'number') return String(value);
    var text = formatters[format] ? formatters[format].format(value) : String(value);
    return format === 'percent' ? text + ' %' : text;
  }


  function columnIndex(chart, name) {
    return chart.columns.indexOf(name);
  }

  // The figures behind a chart, as a table: readable without the canvas, and what screen readers get.
  function figuresTable(chart) {
    var head = el('tr', {}, chart.columns.map(function (c) { return el('th', { scope: 'col', text: c }); }));
    var body = chart.rows.map(function (row) {
      return el('tr', {}, row.map(function (v, i) {
        var valueColumn = chart.series.indexOf(chart.columns[i]) >= 0;
        var cell = el('td', { text: valueColumn ? formatValue(v, chart.format) : formatValue(v, 'number') });
        cell.setAttribute('data-column', chart.columns[i]);
        cell.setAttribute('data-value', v === null ? '' : String(v));
        if (typeof v === 'number') cell.className = 'numeric';
        return cell;
      }));
    });
    return el('table', { class: 'dashboard-figures-table' }, [
      el('caption', { text: chart.title }),
      el('thead', {}, [head]),
      el('tbody', {}, body),
    ]);
  }

  function datasets(chart) {
    var category = columnIndex(chart, chart.category);
    var labels = chart.rows.map(function (r) { return r[category]; });
    var sets = chart.series.map(function (name, i) {
      var column = columnIndex(chart, name);
      var color = PALETTE[i % PALETTE.length];
      return {
        label: name,
        data: chart.rows.map(function (r) { return r[column]; }),
        borderColor: chart.kind === 'doughnut' ? '#fff' : color,
        backgroundColor: chart.kind === 'doughnut' ? labels.map(function (_, j) { return PALETTE[j % PALETTE.length]; }) : color,
        borderWidth: chart.kind === 'line' ? 2 : 1,
        pointRadius: chart.kind === 'line' ? 0 : undefined,
        tension: 0.2,
      };
    });
    return { labels: labels, datasets: sets };
  }

  function chartOptions(chart) {
    var tick = function (value) { return formatValue(value, chart.format); };
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: chart.kind === 'doughnut' ? 'nearest' : 'index', intersect: false },
      plugins: {
        legend: { display: chart.kind === 'doughnut' || chart.series.length > 1, position: chart.kind === 'doughnut' ? 'right' : 'top' },
        tooltip: { callbacks: { label: function (ctx) { return (ctx.dataset.label || '') + ': ' + formatValue(ctx.raw, chart.format); } } },
      },
    };
    if (chart.kind !== 'doughnut') {
      var valueAxis = chart.horizontal ? 'x' : 'y';
      var categoryAxis = chart.horizontal ? 'y' : 'x';
      options.indexAxis = categoryAxis;
      options.scales = {};
      options.scales[valueAxis] = { beginAtZero: true, ticks: { callback: tick } };
      // Level labels, fewer of them, read better than a slanted label per day.
      if (!chart.horizontal) options.scales[categoryAxis] = { ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 12 } };
    }
    return options;
  }

  function drawCanvas(chart, body) {
    var canvas = el('canvas', { role: 'img', 'aria-label': chart.title + ': figures in the table below', 'data-chart-id': chart.id });
    var holder = el('div', { class: 'dashboard-canvas' }, [canvas]);
    // Horizontal bars get a row of room each, so no category label is skipped.
    if (chart.horizontal) holder.style.height = Math.max(280, chart.rows.length * 22 + 50) + 'px';
    body.appendChild(holder);
    new window.Chart(canvas, { type: chart.kind, data: datasets(chart), options: chartOptions(chart) });
  }

  function drawNumber(chart, body) {
    var value = chart.rows.length > 0 ? chart.rows[0][columnIndex(chart, chart.series[0])] : null;
    body.appendChild(el('p', { class: 'dashboard-number', 'data-value': value === null ? '' : String(value), text: formatValue(value, chart.format) }));
  }

  function chartCard(chart) {
    var body = el('div', { class: 'dashboard-card-body' });
    var card = el('section', { class: 'dashboard-card kind-' + chart.kind, id: chart.id, 'aria-labelledby': chart.id + '-title', 'data-kind': chart.kind }, [
      el('h2', { id: chart.id + '-title', text: chart.title }),
      chart.description ? el('div', { class: 'dashboard-card-description' }, [markdown(chart.description)]) : null,
      body,
    ]);
    if (chart.error) {
      card.classList.add('has-error');
      body.appendChild(el('p', { class: 'dashboard-error', role: 'alert', text: chart.error }));
      body.appendChild(el('p', { class: 'dashboard-declared', text: 'Declared at ' + chart.declaredAt }));
      return { card: card, draw: function () {} };
    }
    // A number card's value is its figure; the other kinds list theirs in a table.
    if (chart.kind === 'number') return { card: card, draw: function () { drawNumber(chart, body); } };
    if (chart.rows.length === 0) {
      body.appendChild(el('p', { class: 'dashboard-muted dashboard-empty', text: 'No rows: the query returned nothing.' }));
      return { card: card, draw: function () {} };
    }
    var figures = figuresTable(chart);
    if (chart.kind === 'table') {
      body.appendChild(el('div', { class: 'dashboard-table-wrap' }, [figures]));
      return { card: card, draw: function () {} };
    }
    var details = el('details', { class: 'dashboard-figures' }, [el('summary', { text: 'Figures' }), figures]);
    return {
      card: card,
      draw: function () {
        drawCanvas(chart, body);
        body.appendChild(details);
      },
    };
  }

  function statusBadge(status) {
    return el('span', { class: 'dashboard-status status-' + String(status).replace(/\s+/g, '-'), text: status });
  }

  function freshnessSection(panel) {
    var section = document.getElementById('dashboard-freshness');
    if (panel.rows.length === 0) {
      section.appendChild(el('p', { class: 'dashboard-muted', text: 'No source declares loaded_at_field or freshness.' }));
      return;
    }
    if (panel.checkedAt) section.appendChild(el('p', { class: 'dashboard-muted', text: 'Last checked against ' + formatInstant(panel.checkedAt) }));
    var rows = panel.rows.map(function (r) {
      return el('tr', { 'data-source': r.source }, [
        el('th', { scope: 'row', text: r.source }),
        el('td', { text: r.error ? r.error : formatInstant(r.maxLoadedAt, 'unknown'), 'data-value': r.maxLoadedAt || '' }),
        el('td', {}, [r.status ? statusBadge(r.status) : el('span', { class: 'dashboard-muted', text: 'not checked' })]),
      ]);
    });
    section.appendChild(scrollBox(el('table', { class: 'dashboard-figures-table' }, [
      el('thead', {}, [el('tr', {}, ['Source', 'Newest row', 'Last check'].map(function (t) { return el('th', { scope: 'col', text: t }); }))]),
      el('tbody', {}, rows),
    ])));
  }

  function testsSection(panel) {
    var section = document.getElementById('dashboard-tests');
    var statuses = Object.keys(panel.counts);
    if (!panel.generatedAt && statuses.length === 0) {
      section.appendChild(el('p', { class: 'dashboard-muted', text: 'No run_results.json yet: run modelrun build or modelrun test.' }));
      return;
    }
    if (panel.generatedAt) section.appendChild(el('p', { class: 'dashboard-muted', text: 'Run of ' + formatInstant(panel.generatedAt) }));
    var order = ['pass', 'warn', 'fail', 'error', 'skipped'];
    statuses.sort(function (a, b) { return order.indexOf(a) - order.indexOf(b); });
    section.appendChild(el('ul', { class: 'dashboard-counts' }, statuses.map(function (s) {
      return el('li', { 'data-status': s, 'data-count': String(panel.counts[s]) }, [statusBadge(s), el('strong', { text: String(panel.counts[s]) })]);
    })));
    if (panel.problems.length === 0) {
      section.appendChild(el('p', { class: 'dashboard-ok', text: 'No failing tests.' }));
      return;
    }
    section.appendChild(el('ul', { class: 'dashboard-problems' }, panel.problems.map(function (p) {
      return el('li', { 'data-test': p.name }, [
        statusBadge(p.status),
        el('code', { text: p.name }),
        el('span', { text: ' ' + p.message + (p.where ? ' (' + p.where + ')' : '') }),
      ]);
    })));
  }

  function render() {
    var description = document.getElementById('dashboard-description');
    if (data.description) {
      description.appendChild(markdown(data.description));
      description.hidden = false;
    }
    document.getElementById('dashboard-as-of').textContent =
      'Data as of ' + formatInstant(data.asOf, 'unknown') + ' · generated ' + formatInstant(data.generatedAt);
    var grid = document.getElementById('dashboard-charts');
    var cards = data.charts.map(chartCard);
    // Cards go into the page before Chart.js measures their canvases.
    cards.forEach(function (c) { grid.appendChild(c.card); });
    cards.forEach(function (c) { c.draw(); });
    freshnessSection(data.freshness);
    testsSection(data.tests);
    document.body.setAttribute('data-dashboard-ready', 'true');
  }

  if (!data || !window.Chart) {
    document.getElementById('dashboard-charts').appendChild(el('p', { class: 'dashboard-error', role: 'alert', text: 'The dashboard data or Chart.js did not load: run modelrun docs generate again.' }));
    return;
  }
  render();
})();

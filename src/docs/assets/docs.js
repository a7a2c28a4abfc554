/*
 * The docs site: hash routes (#!/ overview, #!/lineage whole graph, #!/<type>/<unique_id> a node),
 * the search box and the node pages. The index (assets/docs-data.js) is loaded with the page; a
 * node's details (columns, SQL, last run) come in a chunk script loaded when its page opens.
 */
(function () {
  'use strict';
  var index = window.modelrunDocsIndex;
  var nodes = index.nodes;
  var TYPE_ORDER = { model: 0, source: 1, seed: 2, test: 3 };
  var LIST_LIMIT = 200;
  var FOCUS_LIMIT = 400;
  var WHOLE_LIMIT = 300;
  var state = { depth: 2, colorBy: 'type', showTests: false };
  var byId = {};
  nodes.forEach(function (n, i) {
    byId[n.id] = i;
    n.children = [];
    n.hay = (n.label + ' ' + n.name + ' ' + n.path + ' ' + n.tags.join(' ') + ' ' + n.columns.join(' ')).toLowerCase();
  });
  nodes.forEach(function (n, i) { n.parents.forEach(function (p) { nodes[p].children.push(i); }); });

  // ---- details chunks, loaded with script tags (fetch() does not work from file://) ----
  var chunks = {};
  var waiting = {};
  window.modelrunDocs = {
    receiveChunk: function (k, details) {
      chunks[k] = details;
      (waiting[k] || []).forEach(function (w) { w.then(details); });
      delete waiting[k];
    },
  };
  // then(details), or failed(file) when the chunk's script cannot load (a site copied only in part).
  function withDetails(i, then, failed) {
    var k = nodes[i].chunk;
    if (chunks[k]) return then(chunks[k][i - firstOfChunk(k)]);
    var file = 'assets/nodes/' + k + '.js';
    if (!waiting[k]) {
      waiting[k] = [];
      var script = document.createElement('script');
      script.src = file;
      script.onerror = function () {
        (waiting[k] || []).forEach(function (w) { w.failed(file); });
        delete waiting[k];
        script.remove();
      };
      document.head.appendChild(script);
    }
    waiting[k].push({ then: function (details) { then(details[i - firstOfChunk(k)]); }, failed: failed });
  }
  var chunkStarts = [];
  nodes.forEach(function (n, i) { if (chunkStarts[n.chunk] === undefined) chunkStarts[n.chunk] = i; });
  function firstOfChunk(k) { return chunkStarts[k]; }

  // ---- DOM helpers ----
  var el = window.modelrunPage.el;
  var formatInstant = window.modelrunPage.formatInstant;
  var markdown = window.modelrunPage.markdown;
  var scrollBox = window.modelrunPage.scrollBox;
  function href(i) { return '#!/' + nodes[i].type + '/' + encodeURIComponent(nodes[i].id); }
  function nodeLink(i) {
    var n = nodes[i];
    return el('a', { href: href(i), class: 'node-link', 'data-id': n.id, title: n.id }, [el('span', { class: 'type-dot t-' + n.type }), el('span', { class: 'label', text: n.label })]);
  }
  function badge(text, cls) { return el('span', { class: 'badge ' + cls, text: text }); }
  function statusBadge(n) { return n.status ? badge(n.status, 's-' + n.statusClass) : badge('not run', 's-none'); }
  function section(title, children) { return [el('h2', { text: title })].concat(children); }
  function plural(n, word, words) { return n.toLocaleString('en-US') + ' ' + (n === 1 ? word : words || word + 's'); }

  // ---- search ----
  var search = document.getElementById('search');
  var list = document.getElementById('node-list');
  var count = document.getElementById('search-count');
  function matches(query) {
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    var out = [];
    nodes.forEach(function (n, i) {
      if (terms.length === 0 ? n.type !== 'test' : terms.every(function (t) { return n.hay.indexOf(t) >= 0; })) out.push(i);
    });
    var q = terms.join(' ');
    out.sort(function (a, b) {
      var na = nodes[a], nb = nodes[b];
      var ea = na.name.toLowerCase() === q ? 0 : na.name.toLowerCase().indexOf(q) === 0 ? 1 : 2;
      var eb = nb.name.toLowerCase() === q ? 0 : nb.name.toLowerCase().indexOf(q) === 0 ? 1 : 2;
      return ea - eb || TYPE_ORDER[na.type] - TYPE_ORDER[nb.type] || (na.label < nb.label ? -1 : na.label > nb.label ? 1 : 0);
    });
    return out;
  }
  function renderList() {
    var found = matches(search.value);
    list.textContent = '';
    var frag = document.createDocumentFragment();
    found.slice(0, LIST_LIMIT).forEach(function (i) {
      frag.appendChild(el('li', {}, [nodeLink(i), search.value ? el('div', { class: 'path', text: nodes[i].path }) : null]));
    });
    list.appendChild(frag);
    markCurrent();
    var shown = Math.min(found.length, LIST_LIMIT);
    // Without a query the list leaves tests out: the count says so rather than undercount the project.
    var listed = plural(found.length, 'model, seed or source', 'models, seeds and sources');
    count.textContent = search.value
      ? found.length.toLocaleString('en-US') + (found.length === 1 ? ' match' : ' matches') + (found.length > shown ? ' — first ' + shown + ' shown' : '')
      : (found.length > shown ? 'first ' + shown + ' of ' + listed : listed) + ' — type to search tests too';
  }
  // The sidebar marks the open node, when the list shows it.
  var currentId = null;
  function markCurrent() {
    Array.prototype.forEach.call(list.querySelectorAll('a'), function (a) { a.classList.toggle('current', a.getAttribute('data-id') === currentId); });
  }
  search.addEventListener('input', renderList);
  search.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Enter') return;
    var first = list.querySelector('a');
    if (first) location.hash = first.getAttribute('href');
  });

  // ---- lineage ----
  function visible(i) { return state.showTests || nodes[i].type !== 'test'; }
  function neighbourhood(focus, depth) {
    var seen = {};
    seen[focus] = true;
    var keep = [focus];
    var truncated = false;
    ['parents', 'children'].forEach(function (direction) {
      var frontier = [focus];
      for (var d = 0; d < depth && frontier.length > 0; d++) {
        var next = [];
        frontier.forEach(function (i) {
          nodes[i][direction].forEach(function (j) {
            if (seen[j] || !visible(j)) return;
            if (keep.length >= FOCUS_LIMIT) { truncated = true; return; }
            seen[j] = true;
            keep.push(j);
            next.push(j);
          });
        });
        frontier = next;
      }
    });
    return { keep: keep, truncated: truncated };
  }
  function graphOf(keep, focus) {
    var inside = {};
    keep.forEach(function (i) { inside[i] = true; });
    var edges = [];
    keep.forEach(function (i) { nodes[i].parents.forEach(function (p) { if (inside[p]) edges.push([String(p), String(i)]); }); });
    return {
      nodes: keep.map(function (i) {
        var n = nodes[i];
        return { key: String(i), id: n.id, label: n.label, title: n.id + (n.status ? ' — ' + n.status : ''), type: n.type, statusClass: n.statusClass, focus: i === focus };
      }),
      edges: edges,
    };
  }
  function legend() {
    var items = state.colorBy === 'type'
      ? [['model', 't-model'], ['source', 't-source'], ['seed', 't-seed'], ['test', 't-test']]
      : [['pass', 's-pass'], ['warn', 's-warn'], ['fail', 's-fail'], ['error', 's-error'], ['skipped', 's-skipped'], ['not run', 's-none']];
    return el('div', { class: 'legend' }, items.map(function (x) { return el('span', {}, [el('i', { class: x[1] }), x[0]]); }));
  }
  function lineageControls(withDepth, redraw, view) {
    var depth = el('select', { id: 'lineage-depth', 'aria-label': 'Depth' }, [1, 2, 3, 4, 5, 6, 8, 10].map(function (d) {
      return el('option', { value: String(d), selected: d === state.depth ? 'selected' : null, text: String(d) });
    }));
    depth.addEventListener('change', function () { state.depth = Number(depth.value); redraw(); });
    var color = el('select', { id: 'color-by', 'aria-label': 'Colour by' }, [['type', 'resource type'], ['status', 'last status']].map(function (c) {
      return el('option', { value: c[0], selected: c[0] === state.colorBy ? 'selected' : null, text: c[1] });
    }));
    var key = legend();
    // Colours are a class on the drawing: no new layout, only a new legend.
    color.addEventListener('change', function () {
      state.colorBy = color.value;
      view().colorBy(state.colorBy);
      var next = legend();
      key.replaceWith(next);
      key = next;
    });
    var tests = el('input', { type: 'checkbox', id: 'show-tests', checked: state.showTests ? 'checked' : null });
    tests.addEventListener('change', function () { state.showTests = tests.checked; redraw(); });
    var button = function (text, title, f) { var b = el('button', { type: 'button', title: title, text: text }); b.addEventListener('click', f); return b; };
    return el('div', { class: 'lineage-controls' }, [
      withDepth ? el('label', {}, ['Depth', depth]) : null,
      el('label', {}, ['Colour by', color]),
      el('label', {}, [tests, 'tests']),
      button('Fit', 'Show the whole graph', function () { view().fit(); }),
      button('+', 'Zoom in', function () { view().zoom(1 / 1.4); }),
      button('−', 'Zoom out', function () { view().zoom(1.4); }),
      key,
    ]);
  }
  function openKey(key) {
    if (key.indexOf('group:') === 0) {
      search.value = key.slice(6);
      renderList();
      search.focus();
      return;
    }
    location.hash = href(Number(key));
  }
  function focusedLineage(i) {
    var holder = el('div', {});
    var view = null;
    function redraw() {
      var hood = neighbourhood(i, state.depth);
      var box = el('div', { class: 'lineage', id: 'lineage' });
      holder.textContent = '';
      holder.appendChild(lineageControls(true, redraw, function () { return view; }));
      if (hood.truncated) holder.appendChild(el('p', { class: 'note', text: 'Only the nearest ' + FOCUS_LIMIT + ' nodes are drawn: lower the depth to see the whole neighbourhood.' }));
      holder.appendChild(box);
      view = window.modelrunLineage.draw(box, graphOf(hood.keep, i), { colorBy: state.colorBy, onOpen: openKey });
    }
    setTimeout(redraw, 0);
    return holder;
  }

  // The whole DAG: every node when it is small enough to stay responsive, else one box per folder.
  function clusters(members) {
    var groupOf = {};
    var groups = {};
    var order = [];
    var rank = { error: 4, fail: 3, warn: 2, skipped: 1, pass: 0 };
    members.forEach(function (i) {
      var n = nodes[i];
      var key = n.type + ':' + n.group;
      groupOf[i] = key;
      if (!groups[key]) {
        groups[key] = { key: 'group:' + (n.group || n.type), label: (n.group ? n.group + ' · ' : '') + n.type + 's', type: 'group', count: 0, statusClass: null };
        order.push(key);
      }
      var g = groups[key];
      g.count++;
      if (n.statusClass && (g.statusClass === null || rank[n.statusClass] > rank[g.statusClass])) g.statusClass = n.statusClass;
    });
    var seen = {};
    var edges = [];
    members.forEach(function (i) {
      nodes[i].parents.forEach(function (p) {
        var a = groupOf[p], b = groupOf[i];
        if (a === undefined || a === b || seen[a + '>' + b]) return;
        seen[a + '>' + b] = true;
        edges.push([groups[a].key, groups[b].key]);
      });
    });
    return {
      nodes: order.map(function (k) { var g = groups[k]; return { key: g.key, label: g.label + ' (' + g.count + ')', title: g.count + ' nodes — click to list them', type: 'group', statusClass: g.statusClass }; }),
      edges: edges,
    };
  }
  function renderWholeLineage(main) {
    var holder = el('div', {});
    var view = null;
    function redraw() {
      var members = [];
      nodes.forEach(function (n, i) { if (visible(i)) members.push(i); });
      var clustered = members.length > WHOLE_LIMIT;
      holder.textContent = '';
      holder.appendChild(lineageControls(false, redraw, function () { return view; }));
      if (members.length === 0) {
        holder.appendChild(el('p', { class: 'note', id: 'lineage-empty', text: 'Nothing to draw: the project has no ' + (state.showTests ? 'nodes' : 'models, seeds or sources') + ' yet.' }));
        return;
      }
      if (clustered) holder.appendChild(el('p', { class: 'note', text: plural(members.length, 'node') + ' are too many to draw one by one: each box is a folder. Click one to list its nodes, or open a node for its own lineage.' }));
      var box = el('div', { class: 'lineage tall', id: 'lineage' });
      holder.appendChild(box);
      view = window.modelrunLineage.draw(box, clustered ? clusters(members) : graphOf(members, -1), { colorBy: state.colorBy, onOpen: openKey });
    }
    main.appendChild(el('h1', { text: 'Lineage' }));
    main.appendChild(holder);
    redraw();
  }

  // ---- pages ----
  function renderOverview(main) {
    var byType = {};
    var byStatus = {};
    nodes.forEach(function (n) {
      byType[n.type] = (byType[n.type] || 0) + 1;
      if (n.statusClass) byStatus[n.statusClass] = (byStatus[n.statusClass] || 0) + 1;
    });
    var card = function (label, value, cls) { return el('div', { class: 'card ' + (cls || '') }, [el('div', { class: 'n', text: value.toLocaleString('en-US') }), el('div', { class: 'muted', text: label })]); };
    main.appendChild(el('h1', { text: index.project }));
    main.appendChild(el('p', { class: 'muted', text: 'Generated ' + formatInstant(index.generatedAt) + (index.runGeneratedAt ? ' · last run ' + formatInstant(index.runGeneratedAt) : ' · no run recorded yet') + (index.freshnessGeneratedAt ? ' · freshness checked ' + formatInstant(index.freshnessGeneratedAt) : '') }));
    main.appendChild(el('div', { class: 'cards' }, ['model', 'source', 'seed', 'test'].map(function (t) { return card(t + 's', byType[t] || 0); })));
    if (index.runGeneratedAt) {
      main.appendChild(el('h2', { text: 'Last status' }));
      main.appendChild(el('div', { class: 'cards' }, ['pass', 'warn', 'fail', 'error', 'skipped'].map(function (s) { return card(s, byStatus[s] || 0, 's-' + s); })));
    }
    if (index.warehouse.state !== 'read') main.appendChild(el('p', { class: 'note', text: index.warehouse.state === 'missing' ? 'No warehouse file at ' + index.warehouse.display + ' yet: columns are those declared in YAML.' : 'The warehouse ' + index.warehouse.display + ' could not be read (' + index.warehouse.reason + '): columns are those declared in YAML.' }));
    var problems = [];
    nodes.forEach(function (n, i) { if (n.statusClass === 'fail' || n.statusClass === 'error' || n.statusClass === 'warn') problems.push(i); });
    if (problems.length > 0) {
      main.appendChild(el('h2', { text: 'Failing and warning nodes' }));
      main.appendChild(el('ul', { class: 'links' }, problems.slice(0, 100).map(function (i) { return el('li', {}, [nodeLink(i), ' ', statusBadge(nodes[i])]); })));
    }
    main.appendChild(el('p', { class: 'muted', text: 'Search the sidebar, or open Lineage for the whole graph.' }));
  }

  // A value is text, or an element when it holds links.
  function metaList(pairs) {
    var dl = el('dl', { class: 'meta' });
    pairs.forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === '') return;
      dl.appendChild(el('dt', { text: p[0] }));
      dl.appendChild(typeof p[1] === 'string' ? el('dd', { text: p[1] }) : el('dd', {}, [p[1]]));
    });
    return dl;
  }
  // `relationships — to: dim_tools, field: tool_key`, the node an argument names linked to its page.
  function testCall(t) {
    if (t.name === null) return el('span', { id: 'test-call', text: 'singular — fails on each row its SQL returns' });
    var parts = [el('code', { text: t.name })];
    t.args.forEach(function (a, k) {
      var at = a.node === null ? undefined : byId[a.node];
      parts.push(k === 0 ? ' — ' : ', ', a.name + ': ', at === undefined ? el('code', { text: a.value }) : el('a', { href: href(at), text: a.value }));
    });
    return el('span', { id: 'test-call' }, parts);
  }
  function testMeta(d) {
    if (!d.test) return [];
    return [['test', testCall(d.test)], ['column', d.test.column], ['where', d.test.where], ['severity', d.severity]];
  }
  function linkList(ids, empty) {
    if (ids.length === 0) return el('p', { class: 'muted', text: empty });
    return el('ul', { class: 'links' }, ids.map(function (j) { return el('li', {}, [nodeLink(j), ' ', statusBadge(nodes[j])]); }));
  }
  function columnsTable(d) {
    var out = [];
    if (d.columnsNote) out.push(el('p', { class: 'note', text: d.columnsNote }));
    if (d.columns.length === 0) { out.push(el('p', { class: 'muted', text: 'No columns known.' })); return out; }
    out.push(scrollBox(el('table', { class: 'grid columns' }, [
      el('thead', {}, [el('tr', {}, ['#', 'column', 'type', 'declared type', 'description'].map(function (h) { return el('th', { text: h }); }))]),
      el('tbody', {}, d.columns.map(function (c) {
        var missing = c.type === null && !d.columnsNote;
        return el('tr', {}, [
          el('td', { text: c.index === null ? '' : String(c.index) }),
          el('td', {}, [el('code', { text: c.name })]),
          el('td', { class: missing ? 'missing' : null, text: c.type || (missing ? 'not in the warehouse' : '—') }),
          el('td', { text: c.declaredType || '' }),
          el('td', {}, [c.description ? markdown(c.description) : null]),
        ]);
      })),
    ])));
    return out;
  }
  function runTable(r) {
    return metaList([
      ['status', r.status],
      ['started', formatInstant(r.startedAt)],
      ['completed', formatInstant(r.completedAt)],
      ['execution time', r.executionTime === null ? null : r.executionTime.toFixed(3) + ' s'],
      ['rows affected', r.rowsAffected === null ? null : String(r.rowsAffected)],
      ['failures', r.failures === null ? null : String(r.failures)],
      ['message', r.message],
    ]);
  }
  // Under a fixed clock the age is not "now" minus the newest row, and the reader must be told so.
  var CLOCK_NOTES = {
    sample: function (at) { return 'The age is measured at the embedded sample\'s end, ' + at + ', not when the check ran: with no SUPABASE_URL set, `modelrun build` lands the sample and fixes the clock there, or against today\'s clock the sample would always look stale.'; },
    fixed: function (at) { return 'The age is measured at a fixed clock, ' + at + ' (MODELRUN_NOW), not when the check ran.'; },
  };
  function freshnessTable(f) {
    var age = f.ageSeconds === null ? null : (f.ageSeconds / 3600).toFixed(1) + ' hours';
    var measuredAt = formatInstant(f.snapshottedAt);
    var note = CLOCK_NOTES[f.clock];
    var when = note ? [['age measured at', measuredAt], ['checked', formatInstant(f.checkedAt)]] : [['checked', measuredAt]];
    var table = metaList([['status', f.status], ['latest row loaded', formatInstant(f.maxLoadedAt)], ['age', age], ['warn after', f.warnAfter], ['error after', f.errorAfter]].concat(when, [['message', f.message]]));
    return note ? [table, el('p', { class: 'note', id: 'freshness-clock', text: note(measuredAt) })] : [table];
  }
  function codeBlock(title, code, open) {
    return el('details', { open: open ? 'open' : null }, [el('summary', { text: title }), el('pre', { class: 'code' }, [el('code', { text: code })])]);
  }

  function renderNode(main, i) {
    var n = nodes[i];
    document.title = n.label + ' · ' + index.project;
    main.appendChild(el('h1', { id: 'node-title', text: n.label }));
    main.appendChild(el('div', {}, [badge(n.type, 't-' + n.type), n.materialized ? badge(n.materialized, 's-none') : null, statusBadge(n)].concat(n.tags.map(function (t) { return badge('#' + t, 's-none'); }))));
    var details = el('div', { class: 'details' }, [el('p', { class: 'muted', text: 'Loading…' })]);
    main.appendChild(details);
    section(n.type === 'test' ? 'What it tests' : 'Lineage', [n.type === 'test' ? linkList(n.parents, 'Nothing.') : focusedLineage(i)]).forEach(function (e) { main.appendChild(e); });
    var tests = n.children.filter(function (j) { return nodes[j].type === 'test'; });
    var parents = n.parents.filter(function (j) { return nodes[j].type !== 'test'; });
    var children = n.children.filter(function (j) { return nodes[j].type !== 'test'; });
    var rest = el('div', {});
    main.appendChild(rest);
    withDetails(i, function (d) {
      details.textContent = '';
      [
        metaList(testMeta(d).concat([['unique id', n.id], ['file', n.path], [n.type === 'test' ? 'failing rows in' : 'relation', d.relation], ['loader', d.loader], ['loaded at field', d.loadedAtField]])),
        d.description ? el('div', { class: 'description' }, [markdown(d.description)]) : el('p', { class: 'muted', text: 'No description.' }),
      ].forEach(function (e) { details.appendChild(e); });
      var parts = [];
      if (n.type === 'source') parts = parts.concat(section('Freshness', d.freshness ? freshnessTable(d.freshness) : [el('p', { class: 'muted', text: 'Not checked yet (sources.json has no result for it).' })]));
      else parts = parts.concat(section('Latest run', [d.run ? runTable(d.run) : el('p', { class: 'muted', text: 'No run recorded in run_results.json.' })]));
      if (n.type !== 'test') parts = parts.concat(section('Columns', columnsTable(d)));
      if (n.type !== 'test') parts = parts.concat(section('Tests', [linkList(tests, 'No tests.')]));
      if (n.type !== 'test') parts = parts.concat(section('Depends on', [linkList(parents, 'Nothing: a root of the graph.')]), section('Used by', [linkList(children, 'Nothing yet.')]));
      if (d.compiledCode !== null) parts.push(el('h2', { text: 'SQL' }), codeBlock('Compiled SQL', d.compiledCode, true));
      if (d.rawCode) { if (d.compiledCode === null) parts.push(el('h2', { text: 'SQL' })); parts.push(codeBlock('Source (' + n.path + ')', d.rawCode, d.compiledCode === null)); }
      parts.forEach(function (e) { rest.appendChild(e); });
    }, function (file) {
      details.textContent = '';
      details.appendChild(el('p', { class: 'note', id: 'details-missing', text: file + ' could not be loaded, so the description, columns, SQL and last run are missing: run `modelrun docs generate` again and publish the whole target/docs folder.' }));
    });
  }

  // ---- routing ----
  var main = document.getElementById('main');
  // A hand-typed hash may hold a stray `%`: it names no node rather than breaking the page.
  function routeOf(hash) {
    try {
      return decodeURIComponent(hash.replace(/^#!?\/?/, ''));
    } catch (e) {
      return hash;
    }
  }
  function route() {
    var hash = routeOf(location.hash);
    main.textContent = '';
    main.scrollTop = 0;
    document.title = index.project + ' · modelrun docs';
    var page = 'overview';
    currentId = null;
    if (hash === 'lineage') {
      page = 'lineage';
      renderWholeLineage(main);
    } else if (hash !== '') {
      var id = hash.slice(hash.indexOf('/') + 1);
      if (byId[id] === undefined) {
        main.appendChild(el('h1', { text: 'Not found' }));
        main.appendChild(el('p', { text: 'No node ' + id + ' in this project. Search the sidebar.' }));
      } else {
        page = 'node';
        currentId = id;
        renderNode(main, byId[id]);
      }
    } else {
      renderOverview(main);
    }
    markCurrent();
    Array.prototype.forEach.call(document.querySelectorAll('.site-nav a[data-route]'), function (a) {
      a.classList.toggle('active', a.getAttribute('data-route') === page);
    });
  }
  if (index.dashboard) document.getElementById('dashboard-link').hidden = false;
  window.addEventListener('hashchange', route);
  renderList();
  route();
})();

/*
 * Lineage graphs: dagre lays the graph out left to right, SVG draws it, the viewBox pans (drag)
 * and zooms (wheel, buttons). A click that did not drag opens the node.
 *
 *   modelrunLineage.draw(container, { nodes: [{ key, label, type, statusClass, focus, id?, title? }], edges: [[fromKey, toKey]] },
 *                        { colorBy: 'type' | 'status', onOpen(key) })  →  { fit(), zoom(factor), colorBy(mode) }
 * Arrow keys move the focus between nodes: right to a child, left to a parent, up and down in a column.
 */
(function () {
  'use strict';
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var NODE_HEIGHT = 30;
  var MAX_LABEL = 34;
  /** A focused graph is fitted only when that shrinks it at most this much; else it opens at OPEN_SCALE. */
  var MAX_FIT_SHRINK = 1.6;
  var OPEN_SCALE = 0.85;

  function svg(tag, attrs) {
    var el = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  }

  function shortLabel(label) {
    return label.length > MAX_LABEL ? label.slice(0, MAX_LABEL - 1) + '…' : label;
  }

  function layout(graph) {
    var g = new dagre.graphlib.Graph();
    g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 60, marginx: 20, marginy: 20 });
    g.setDefaultEdgeLabel(function () { return {}; });
    graph.nodes.forEach(function (n) {
      g.setNode(n.key, { width: 28 + shortLabel(n.label).length * 7, height: NODE_HEIGHT });
    });
    graph.edges.forEach(function (e) { g.setEdge(e[0], e[1]); });
    dagre.layout(g);
    return g;
  }

  function nearest(value, low, high) {
    return Math.min(Math.max(value, low), high);
  }

  function pathOf(points) {
    return points.map(function (p, i) { return (i === 0 ? 'M' : 'L') + p.x.toFixed(1) + ',' + p.y.toFixed(1); }).join(' ');
  }

  function arrowMarker() {
    var defs = svg('defs');
    var marker = svg('marker', { id: 'lineage-arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' });
    marker.appendChild(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#7b8794' }));
    defs.appendChild(marker);
    return defs;
  }

  function draw(container, graph, options) {
    container.textContent = '';
    var g = layout(graph);
    var size = g.graph();
    var root = svg('svg', { class: 'by-' + options.colorBy, 'data-nodes': String(graph.nodes.length) });
    root.appendChild(arrowMarker());
    var scene = svg('g');
    root.appendChild(scene);
    var focusKeys = {};
    graph.nodes.forEach(function (n) { if (n.focus) focusKeys[n.key] = true; });
    g.edges().forEach(function (e) {
      var near = focusKeys[e.v] || focusKeys[e.w];
      scene.appendChild(svg('path', { class: 'edge' + (near ? ' near' : ''), d: pathOf(g.edge(e).points), 'marker-end': 'url(#lineage-arrow)' }));
    });
    graph.nodes.forEach(function (n) {
      var box = g.node(n.key);
      var node = svg('g', {
        class: 'node t-' + n.type + ' s-' + (n.statusClass || 'none') + (n.focus ? ' focus' : ''),
        'data-key': n.key,
        transform: 'translate(' + (box.x - box.width / 2).toFixed(1) + ',' + (box.y - box.height / 2).toFixed(1) + ')',
      });
      if (n.id) node.setAttribute('data-id', n.id);
      // Reachable with Tab and opened with Enter, as a link would be.
      node.setAttribute('tabindex', '0');
      node.setAttribute('role', 'link');
      node.setAttribute('aria-label', n.label);
      var title = svg('title');
      title.textContent = n.title || n.label;
      node.appendChild(title);
      node.appendChild(svg('rect', { width: box.width, height: box.height, rx: 5 }));
      var text = svg('text', { x: box.width / 2, y: box.height / 2 });
      text.textContent = shortLabel(n.label);
      node.appendChild(text);
      scene.appendChild(node);
    });
    container.appendChild(root);
    var view = panZoom(root, size.width, size.height, options.onOpen);
    var focus = graph.nodes.filter(function (n) { return n.focus; })[0];
    // Fitting a large graph would shrink its labels past reading (the whole project with its tests,
    // a large neighbourhood): it opens at a readable scale instead, and Fit shows the whole of it.
    if (view.shrinkToFit() > MAX_FIT_SHRINK) {
      var r = root.getBoundingClientRect();
      var w = r.width / OPEN_SCALE;
      var h = r.height / OPEN_SCALE;
      var b = focus ? g.node(focus.key) : undefined;
      // Around the focused node, as near the graph's middle as keeps it in view (a root's page shows
      // what it feeds, not blank space); the whole graph from its sources, the left edge.
      var x = b ? nearest(size.width / 2, b.x - w / 2 + b.width, b.x + w / 2 - b.width) : w / 2;
      var y = b ? nearest(size.height / 2, b.y - h / 2 + b.height, b.y + h / 2 - b.height) : size.height / 2;
      view.centerOn(x, y, w);
    } else {
      view.fit();
    }
    arrowKeys(root, g, view);
    return {
      fit: view.fit,
      zoom: view.zoom,
      colorBy: function (mode) { root.setAttribute('class', 'by-' + mode); },
    };
  }

  /**
   * Keyboard moves along the graph as the eye does: right to a child, left to a parent (the one
   * nearest in height), up and down within the column. Tab alone would visit every node in drawing
   * order, which in a large graph is no way to follow a path.
   */
  function arrowKeys(root, g, view) {
    function nearestOf(keys, from, accept) {
      var best = null;
      var bestDistance = Infinity;
      keys.forEach(function (k) {
        var n = g.node(k);
        if (!accept(n)) return;
        var d = Math.abs(n.y - from.y) + Math.abs(n.x - from.x) / 4;
        if (d < bestDistance) { best = k; bestDistance = d; }
      });
      return best;
    }
    root.addEventListener('keydown', function (ev) {
      var el = ev.target.closest && ev.target.closest('.node');
      if (!el || ['ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown'].indexOf(ev.key) < 0) return;
      ev.preventDefault();
      var key = el.getAttribute('data-key');
      var at = g.node(key);
      var next =
        ev.key === 'ArrowRight' ? nearestOf(g.successors(key) || [], at, function () { return true; })
        : ev.key === 'ArrowLeft' ? nearestOf(g.predecessors(key) || [], at, function () { return true; })
        : nearestOf(g.nodes(), at, function (n) { return Math.abs(n.x - at.x) < 1 && (ev.key === 'ArrowDown' ? n.y > at.y : n.y < at.y); });
      if (next === null) return;
      var target = root.querySelector('.node[data-key="' + CSS.escape(next) + '"]');
      var box = g.node(next);
      view.reveal(box.x, box.y);
      target.focus();
    });
  }

  function panZoom(root, width, height, onOpen) {
    var box = { x: 0, y: 0, w: width, h: height };
    function apply() { root.setAttribute('viewBox', [box.x, box.y, box.w, box.h].map(function (v) { return v.toFixed(1); }).join(' ')); }
    function scaleFor() {
      var r = root.getBoundingClientRect();
      return r.width > 0 ? Math.max(box.w / r.width, box.h / r.height) : 1;
    }
    function zoomAt(factor, cx, cy) {
      var w = Math.min(Math.max(box.w * factor, 80), Math.max(width, height) * 4);
      var f = w / box.w;
      box.x = cx - (cx - box.x) * f;
      box.y = cy - (cy - box.y) * f;
      box.w = w;
      box.h = box.h * f;
      apply();
    }
    function toScene(ev) {
      var r = root.getBoundingClientRect();
      var s = scaleFor();
      // preserveAspectRatio centres the viewBox in the element: undo that offset.
      var offX = (r.width - box.w / s) / 2;
      var offY = (r.height - box.h / s) / 2;
      return { x: box.x + (ev.clientX - r.left - offX) * s, y: box.y + (ev.clientY - r.top - offY) * s };
    }
    root.addEventListener('wheel', function (ev) {
      ev.preventDefault();
      var p = toScene(ev);
      zoomAt(ev.deltaY > 0 ? 1.15 : 1 / 1.15, p.x, p.y);
    }, { passive: false });
    var drag = null;
    root.addEventListener('pointerdown', function (ev) {
      drag = { x: ev.clientX, y: ev.clientY, bx: box.x, by: box.y, s: scaleFor(), moved: false, target: ev.target };
    });
    root.addEventListener('pointermove', function (ev) {
      if (!drag) return;
      var dx = ev.clientX - drag.x;
      var dy = ev.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!drag.moved) {
        drag.moved = true;
        root.setPointerCapture(ev.pointerId);
        root.classList.add('dragging');
      }
      box.x = drag.bx - dx * drag.s;
      box.y = drag.by - dy * drag.s;
      apply();
    });
    root.addEventListener('pointerup', function (ev) {
      var d = drag;
      drag = null;
      root.classList.remove('dragging');
      if (!d || d.moved) return;
      var node = d.target.closest && d.target.closest('.node');
      if (node && node === (ev.target.closest && ev.target.closest('.node'))) onOpen(node.getAttribute('data-key'));
    });
    root.addEventListener('pointercancel', function () { drag = null; root.classList.remove('dragging'); });
    root.addEventListener('keydown', function (ev) {
      var node = ev.key === 'Enter' && ev.target.closest && ev.target.closest('.node');
      if (node) onOpen(node.getAttribute('data-key'));
    });
    return {
      // How many times fit() would shrink the graph to show all of it (1 when it fits as it is).
      shrinkToFit: function () {
        var r = root.getBoundingClientRect();
        return r.width > 0 && r.height > 0 ? Math.max(1, width / r.width, height / r.height) : 1;
      },
      // The whole graph, never magnified: a small graph keeps its natural size, centred.
      fit: function () {
        var r = root.getBoundingClientRect();
        var w = Math.max(width, r.width);
        var h = Math.max(height, r.height);
        box = { x: (width - w) / 2, y: (height - h) / 2, w: w, h: h };
        apply();
      },
      zoom: function (factor) { zoomAt(factor, box.x + box.w / 2, box.y + box.h / 2); },
      // Pans just enough to bring a point into view, keeping the zoom.
      reveal: function (x, y) {
        var margin = 40 * scaleFor();
        box.x = nearest(box.x, x + margin - box.w, x - margin);
        box.y = nearest(box.y, y + margin - box.h, y - margin);
        apply();
      },
      centerOn: function (x, y, w) {
        var r = root.getBoundingClientRect();
        var h = r.width > 0 ? (w * r.height) / r.width : w / 2;
        box = { x: x - w / 2, y: y - h / 2, w: w, h: h };
        apply();
      },
    };
  }

  window.modelrunLineage = { draw: draw };
})();

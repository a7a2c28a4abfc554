/*
 * What every page of the site shares, the docs and the dashboard: building elements from text (never
 * from HTML, so a name, description or SQL of the project cannot turn into markup) and showing instants.
 *
 *   modelrunPage.el(tag, { attribute: value, text: textContent }, [child element or string, …])
 *   modelrunPage.markdown(text) → the Markdown most descriptions use, as a div.markdown (a span when one paragraph)
 *   modelrunPage.formatInstant(iso, missing = '—')
 *   modelrunPage.scrollBox(table) → the table in a box that scrolls sideways when it is wider than the page
 */
(function () {
  'use strict';

  // null, undefined and false attributes and children are left out: `cond && el(…)` reads as it means.
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c !== null && c !== undefined && c !== false) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }

  // Descriptions are Markdown, as in dbt: paragraphs, lists, fenced code, headings, `code`, **strong**,
  // *emphasis* and [links](url). Built as elements from text, like everything else here: raw HTML in a
  // description stays visible text, and only http(s), mailto and relative links become links.
  var INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s](?:[^*]*[^*\s])?)\*|\b_([^_\s](?:[^_]*[^_\s])?)_\b|\[([^\]]+)\]\(([^()\s]+)\)/g;
  var SAFE_HREF = /^(https?:\/\/|mailto:|#|\.{0,2}\/|[\w.-]+(\/|\.html?|$))/i;

  function inline(text) {
    var out = [];
    var last = 0;
    text.replace(INLINE, function (m, code, strong, strong2, em, em2, label, href, at) {
      if (at > last) out.push(text.slice(last, at));
      if (code !== undefined) out.push(el('code', { text: code }));
      else if (strong !== undefined || strong2 !== undefined) out.push(el('strong', {}, inline(strong || strong2)));
      else if (em !== undefined || em2 !== undefined) out.push(el('em', {}, inline(em || em2)));
      else if (SAFE_HREF.test(href)) out.push(el('a', { href: href, rel: 'noopener' }, inline(label)));
      else out.push(m);
      last = at + m.length;
      return m;
    });
    if (last < text.length) out.push(text.slice(last));
    return out;
  }

  // A heading is a line of its own; h4–h6, under the page's own headings.
  var HEADING = /^(#{1,6})\s+(.*)$/;
  var LIST_ITEM = /^\s*([-*+]|\d+[.)])\s+/;
  function block(lines) {
    if (lines.every(function (l) { return LIST_ITEM.test(l) || /^\s{2,}\S/.test(l); }) && LIST_ITEM.test(lines[0])) {
      var items = [];
      lines.forEach(function (l) {
        if (LIST_ITEM.test(l)) items.push(l.replace(LIST_ITEM, ''));
        else items[items.length - 1] += ' ' + l.trim();
      });
      return el(/^\s*\d/.test(lines[0]) ? 'ol' : 'ul', {}, items.map(function (t) { return el('li', {}, inline(t)); }));
    }
    return el('p', {}, inline(lines.map(function (l) { return l.trim(); }).join(' ')));
  }

  function markdown(text) {
    var blocks = [];
    var lines = String(text).replace(/\r\n?/g, '\n').split('\n');
    var current = [];
    var flush = function () {
      if (current.length) blocks.push(block(current));
      current = [];
    };
    for (var i = 0; i < lines.length; i++) {
      var fence = /^\s*(```|~~~)/.exec(lines[i]);
      if (fence) {
        flush();
        var code = [];
        for (i++; i < lines.length && lines[i].trim().indexOf(fence[1]) !== 0; i++) code.push(lines[i]);
        blocks.push(el('pre', {}, [el('code', { text: code.join('\n') })]));
      } else if (HEADING.test(lines[i])) {
        flush();
        var h = HEADING.exec(lines[i]);
        blocks.push(el('h' + Math.min(6, h[1].length + 3), {}, inline(h[2])));
      } else if (!lines[i].trim()) flush();
      else current.push(lines[i]);
    }
    flush();
    // A single paragraph stays inline (a table cell, a one-line description); blocks need a block.
    if (blocks.length === 1 && blocks[0].tagName === 'P') return el('span', { class: 'markdown' }, [].slice.call(blocks[0].childNodes));
    return el('div', { class: 'markdown' }, blocks);
  }

  // Dates stay dates; instants show in UTC, as modelrun stores them.
  function formatInstant(iso, missing) {
    if (!iso) return missing === undefined ? '—' : missing;
    return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso : iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') + ' UTC';
  }

  // A wide table scrolls sideways in this box, so neither the window nor the page's column does; the
  // table keeps its table layout (and what a screen reader makes of it), which display: block loses.
  function scrollBox(table) {
    return el('div', { class: 'table-scroll' }, [table]);
  }

  // The skip link moves the focus itself: on the docs pages its #main would be taken for a route, and
  // following a fragment moves only where the next Tab starts, not the focus a screen reader announces.
  document.addEventListener('click', function (ev) {
    var link = ev.target instanceof Element ? ev.target.closest('a.skip-link') : null;
    var target = link && document.getElementById(link.getAttribute('href').slice(1));
    if (!target) return;
    ev.preventDefault();
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: 'start' });
  });

  window.modelrunPage = { el: el, markdown: markdown, formatInstant: formatInstant, scrollBox: scrollBox };
})();

/*
 * What every page of the site shares, the docs and the dashboard: building elements from text (never
 * from HTML, so a name, description or SQL of the project cannot turn into markup) and showing instants.
 *
 *   modelrunPage.el(tag, { attribute: value, text: textContent }, [child element or string, …])
 *   modelrunPage.formatInstant(iso, missing = '—')
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

  // Dates stay dates; instants show in UTC, as modelrun stores them.
  function formatInstant(iso, missing) {
    if (!iso) return missing === undefined ? '—' : missing;
    return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso : iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') + ' UTC';
  }

  window.modelrunPage = { el: el, formatInstant: formatInstant };
})();

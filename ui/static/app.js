// tracehound web view: progressive enhancement only. Every page works without this file;
// with it, selecting a span swaps the detail panel in place, subtrees collapse, table rows are
// clickable and filter drop-downs apply at once. It never builds markup from data: the panel is
// HTML our server rendered (and escaped), fetched from our own origin.
'use strict';

(function () {
  function onReady(fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn);
    else fn();
  }

  function selectSpan(waterfall, row) {
    var traceId = waterfall.getAttribute('data-trace');
    var spanId = (row.id || '').replace(/^span-/, '');
    var panel = document.getElementById('span-panel');
    if (!traceId || !spanId || !panel) return false;
    var previous = waterfall.querySelector('.wf-row.selected');
    if (previous) previous.classList.remove('selected');
    row.classList.add('selected');
    panel.classList.add('loading');
    fetch('/runs/' + encodeURIComponent(traceId) + '/spans/' + encodeURIComponent(spanId), {
      headers: { Accept: 'text/html' },
      credentials: 'same-origin',
    })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        panel.replaceChildren.apply(panel, Array.prototype.slice.call(doc.body.childNodes));
        panel.classList.remove('loading');
        panel.scrollTop = 0;
        var url = new URL(window.location.href);
        url.searchParams.set('span', spanId);
        url.hash = '';
        history.replaceState(null, '', url.pathname + url.search);
      })
      .catch(function () {
        window.location.href = row.getAttribute('href');
      });
    return true;
  }

  function toggleSubtree(row) {
    var depth = Number(row.getAttribute('data-depth'));
    var twisty = row.querySelector('.twisty');
    var closing = !twisty.classList.contains('closed');
    twisty.classList.toggle('closed', closing);
    var next = row.nextElementSibling;
    var skipBelow = Infinity;
    while (next && Number(next.getAttribute('data-depth')) > depth) {
      var nextDepth = Number(next.getAttribute('data-depth'));
      if (closing) next.classList.add('collapsed-hidden');
      else if (nextDepth <= skipBelow) {
        next.classList.remove('collapsed-hidden');
        var nested = next.querySelector('.twisty.closed');
        skipBelow = nested ? nextDepth : Infinity;
      }
      next = next.nextElementSibling;
    }
  }

  onReady(function () {
    var waterfall = document.getElementById('waterfall');
    if (waterfall) {
      waterfall.addEventListener('click', function (event) {
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        var target = event.target;
        var row = target.closest ? target.closest('a.wf-row') : null;
        if (!row) return;
        if (target.closest('.twisty:not(.leaf)')) {
          event.preventDefault();
          toggleSubtree(row);
          return;
        }
        if (selectSpan(waterfall, row)) event.preventDefault();
      });
      // j / k (or ↓ / ↑) move the selection to the next / previous visible span.
      document.addEventListener('keydown', function (event) {
        if (event.metaKey || event.ctrlKey || event.altKey) return;
        var tag = (event.target && event.target.tagName) || '';
        if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return;
        var down = event.key === 'j' || event.key === 'ArrowDown';
        var up = event.key === 'k' || event.key === 'ArrowUp';
        if (!down && !up) return;
        var current = waterfall.querySelector('.wf-row.selected');
        var next = current;
        do {
          next = next ? (down ? next.nextElementSibling : next.previousElementSibling) : waterfall.querySelector('a.wf-row');
        } while (next && (next.tagName !== 'A' || next.classList.contains('collapsed-hidden')));
        if (!next) return;
        event.preventDefault();
        selectSpan(waterfall, next);
        if (next.scrollIntoView) next.scrollIntoView({ block: 'nearest' });
      });
      var selected = waterfall.querySelector('.wf-row.selected');
      if (selected && window.location.search.indexOf('span=') >= 0 && selected.scrollIntoView) {
        selected.scrollIntoView({ block: 'center' });
      }
    }

    document.querySelectorAll('tr[data-href]').forEach(function (tr) {
      tr.addEventListener('click', function (event) {
        if (event.target.closest('a, button, input, select, label')) return;
        window.location.href = tr.getAttribute('data-href');
      });
    });

    var filters = document.getElementById('run-filters');
    if (filters) {
      filters.querySelectorAll('select, input[type=checkbox]').forEach(function (input) {
        input.addEventListener('change', function () {
          filters.requestSubmit();
        });
      });
    }
  });
})();

/** The dashboard's browser script: plain JS (no framework, no build), served as /dashboard.js. */
// Kept as a string so the Lambda bundle needs no asset files; it contains no backticks or template holes.
export const DASHBOARD_SCRIPT = String.raw`(function () {
  'use strict';
  var STAGES = [
    ['trigger', 'Trigger'], ['receive', 'Delivery'], ['verify', 'Security'], ['transform', 'Transform'],
    ['idempotency', 'Idempotency'], ['deliver', 'Delivery'], ['observe', 'Observability']
  ];
  var OUTCOME_WORDS = {
    landed: 'landed', superseded: 'overwritten by a newer change', 'echo-dropped': 'echo dropped', 'duplicate-ignored': 'duplicate ignored',
    'skipped-unchanged': 'unchanged, skipped', retried: 'retried', 'dead-lettered': 'dead-lettered',
    quarantined: 'quarantined', unauthorised: 'unauthorised', failed: 'failed'
  };
  var ui = { overview: null, detail: null, fetchedAt: 0, selected: null, trace: null, busy: false, flash: '' };

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === 'text') node.textContent = String(v);
        else if (k === 'onclick') node.addEventListener('click', v);
        else node.setAttribute(k, String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }
  function svg(tag, attrs, children) {
    var node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }
  function serverNow() { return ui.overview ? ui.overview.now + (Date.now() - ui.fetchedAt) : Date.now(); }
  function ago(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return s + 's ago';
    var m = Math.floor(s / 60);
    if (m < 60) return m + 'm ago';
    var hr = Math.floor(m / 60);
    return hr < 48 ? hr + 'h ago' : Math.floor(hr / 24) + 'd ago';
  }
  function duration(ms) {
    if (ms === null || ms === undefined) return '–';
    if (ms < 10) return Math.round(ms * 10) / 10 + ' ms';
    if (ms < 1000) return Math.round(ms) + ' ms';
    var s = Math.round(ms / 1000);
    if (s < 60) return s + 's';
    var m = Math.floor(s / 60);
    if (m < 60) return m + 'm ' + (s % 60) + 's';
    return Math.floor(m / 60) + 'h ' + (m % 60) + 'm';
  }
  function clock(ms) { return new Date(ms).toISOString().slice(11, 19); }
  function badge(word, cls) { return h('span', { 'class': 'badge ' + (cls || word), text: OUTCOME_WORDS[word] || word }); }

  function readHash() {
    var m = /^#\/i\/([^/]+)(?:\/t\/([^/]+))?/.exec(location.hash);
    ui.selected = m ? decodeURIComponent(m[1]) : null;
    ui.trace = m && m[2] ? decodeURIComponent(m[2]) : null;
  }

  function renderList() {
    var list = document.getElementById('integrations');
    var items = ui.overview.integrations;
    var up = items.filter(function (i) { return i.status === 'up'; }).length;
    var down = items.filter(function (i) { return i.status === 'down'; }).length;
    document.getElementById('summary').textContent = items.length + ' integrations · ' + up + ' up · ' + down + ' down';
    document.getElementById('clock').textContent = clock(serverNow()) + ' UTC';
    list.replaceChildren.apply(list, items.length === 0 ? [h('li', { 'class': 'empty', text: 'No integrations registered yet.' })] :
      items.map(function (i) {
        var heard = i.lastHeartbeatAt === null ? 'no heartbeat yet' : ago(serverNow() - i.lastHeartbeatAt);
        return h('li', null, [h('a', {
          'class': 'row' + (ui.selected === i.id ? ' selected' : ''), 'data-id': i.id, href: '#/i/' + encodeURIComponent(i.id),
          title: i.clientName + ' · ' + i.eventsLastHour + ' events, ' + i.errorsLastHour + ' errors in the last hour'
        }, [
          h('span', { 'class': 'dot ' + i.status }), h('span', { 'class': 'name', text: i.name }),
          h('span', { 'class': 'ago', text: heard }), h('span', { 'class': 'status ' + i.status, text: i.status })
        ])]);
      }));
  }

  function plot(minutes) {
    var W = 720, H = 150, padL = 34, padB = 20, padT = 8;
    var max = 1;
    minutes.forEach(function (m) { max = Math.max(max, m.events, m.errors + m.unauthorised); });
    var step = (W - padL) / minutes.length;
    var y = function (v) { return padT + (H - padB - padT) * (1 - v / max); };
    var nodes = [];
    [0, 0.5, 1].forEach(function (f) {
      var v = Math.round(max * f);
      nodes.push(svg('line', { x1: padL, x2: W, y1: y(v), y2: y(v), stroke: '#eaecf0' }));
      var label = svg('text', { x: padL - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 10, fill: '#667085' });
      label.textContent = String(v);
      nodes.push(label);
    });
    minutes.forEach(function (m, i) {
      var x = padL + i * step;
      if (m.events > 0) nodes.push(svg('rect', { x: x + 1, y: y(m.events), width: Math.max(1, step - 2), height: H - padB - y(m.events), fill: '#9db4ff' }));
    });
    var pts = minutes.map(function (m, i) { return (padL + i * step + step / 2).toFixed(1) + ',' + y(m.errors + m.unauthorised).toFixed(1); });
    nodes.push(svg('polyline', { points: pts.join(' '), fill: 'none', stroke: '#f04438', 'stroke-width': 2 }));
    [['-60m', 0], ['-30m', 0.5], ['now', 1]].forEach(function (t) {
      var label = svg('text', { x: padL + (W - padL) * t[1], y: H - 4, 'text-anchor': t[1] === 0 ? 'start' : (t[1] === 1 ? 'end' : 'middle'), 'font-size': 10, fill: '#667085' });
      label.textContent = t[0];
      nodes.push(label);
    });
    var chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, width: '100%', role: 'img', 'aria-label': 'Events and errors per minute over the last hour' }, nodes);
    return chart;
  }

  function table(headers, rows, empty) {
    if (rows.length === 0) return h('p', { 'class': 'empty', text: empty });
    return h('table', null, [h('thead', null, [h('tr', null, headers.map(function (x) { return h('th', { text: x }); }))]), h('tbody', null, rows)]);
  }
  function td(text, cls) { return h('td', { 'class': cls || null, text: text }); }

  function replay(ids) {
    if (!ui.selected) return;
    ui.busy = true;
    fetch('api/integrations/' + encodeURIComponent(ui.selected) + '/replay', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ids ? { deadLetterIds: ids } : {})
    }).then(function (r) {
      ui.flash = r.ok ? 'Replay requested — the integration picks it up with its next heartbeat.'
        : r.status === 401 ? 'Replay needs a session: open the Notification Centre link printed when it started (or sign in).'
        : 'Replay request failed (' + r.status + ').';
    }).catch(function () { ui.flash = 'Replay request failed.'; }).then(function () { ui.busy = false; refresh(); });
  }

  function anatomy(d) {
    var chosen = null;
    d.traces.forEach(function (t) { if (t.traceId === ui.trace) chosen = t; });
    if (!chosen && d.traces.length > 0) chosen = d.traces[0];
    var rows = d.traces.slice(0, 8).map(function (t) {
      var total = t.stages.reduce(function (s, x) { return Math.max(s, x.startedAt + x.durationMs); }, t.startedAt) - t.startedAt;
      var tr = h('tr', { 'class': 'pick' + (chosen && chosen.traceId === t.traceId ? ' chosen' : '') }, [
        td(clock(t.startedAt)), td(t.recordId || '–', 'mono'),
        td(t.direction === 'destination-to-hubspot' ? 'destination → HubSpot' : (t.direction ? 'HubSpot → destination' : '–')),
        h('td', null, [badge(t.outcome)]), td(duration(total), 'num')
      ]);
      tr.addEventListener('click', function () { location.hash = '#/i/' + encodeURIComponent(d.id) + '/t/' + encodeURIComponent(t.traceId); });
      return tr;
    });
    var strip = null;
    if (chosen) {
      var byStage = {};
      chosen.stages.forEach(function (s) { byStage[s.stage] = s; });
      strip = h('div', null, [
        h('div', { 'class': 'note-line' }, ['Trace ', h('code', { text: chosen.traceId }), ' · record ', h('code', { text: chosen.recordId || '–' }), ' · ', badge(chosen.outcome)]),
        h('div', { 'class': 'stages' }, STAGES.map(function (st, i) {
          var s = byStage[st[0]];
          return h('div', { 'class': 'stage ' + (s ? s.status : 'missing') }, [
            h('div', { 'class': 'n', text: 'Stage ' + (i + 1) + ' of 7' }), h('div', { 'class': 't', text: st[1] }),
            h('div', { 'class': 'ms', text: s ? duration(s.durationMs) : 'not reached' }),
            s && s.note ? h('div', { 'class': 'note', text: s.note }) : null
          ]);
        }))
      ]);
    }
    return h('div', { 'class': 'card' }, [h('h2', { text: 'Anatomy of a record change' }),
      table(['time', 'record', 'direction', 'outcome', 'total'], rows, 'No record changes reported yet.'), strip]);
  }

  function renderDetail() {
    var box = document.getElementById('detail');
    var d = ui.detail;
    if (!d) {
      box.replaceChildren(h('div', { 'class': 'card' }, [h('p', { 'class': 'empty', text: ui.selected ? 'Loading…' : 'Choose an integration to see its heartbeat, events and errors per minute, dead letters and the anatomy of its record changes.' })]));
      return;
    }
    var now = serverNow();
    var head = h('div', { 'class': 'card' }, [
      h('div', { 'class': 'detail-head' }, [
        h('h2', null, [h('span', { 'class': 'dot ' + d.status }), ' ', d.name]),
        h('span', { 'class': 'kv' }, ['status ', h('b', { text: d.status }), ' since ' + clock(d.statusSince)]),
        h('span', { 'class': 'kv' }, ['last heartbeat ', h('b', { text: d.lastHeartbeatAt === null ? 'never' : ago(now - d.lastHeartbeatAt) })]),
        h('span', { 'class': 'kv' }, ['last event ', h('b', { text: d.lastEventAt === null ? 'none yet' : ago(now - d.lastEventAt) })]),
        h('span', { 'class': 'kv' }, ['every ', h('b', { text: d.intervalSeconds + 's' }), d.downAt ? ' · down after ' + clock(d.downAt) : '']),
        h('span', { 'class': 'kv' }, ['client ', h('b', { text: d.clientName }), ' · ', h('code', { text: d.id })])
      ]),
      d.lastRejection ? h('p', { 'class': 'notice', text: d.rejectedPayloads + ' payload(s) rejected; last at ' + clock(d.lastRejection.at) + ': ' + d.lastRejection.problems.slice(0, 3).join('; ') }) : null
    ]);
    var chart = h('div', { 'class': 'card' }, [
      h('h2', { text: 'Events and errors per minute · last hour' }),
      h('div', { 'class': 'legend' }, [h('span', null, [h('i', { style: 'background:#9db4ff' }), 'events ' + d.eventsLastHour]), h('span', null, [h('i', { style: 'background:#f04438' }), 'errors ' + d.errorsLastHour])]),
      plot(d.minutes)
    ]);
    var kinds = Object.keys(d.errorsByKindLastHour).sort(function (a, b) { return d.errorsByKindLastHour[b] - d.errorsByKindLastHour[a]; });
    var errors = h('div', { 'class': 'card' }, [h('h2', { text: 'Errors by kind' }), table(['kind', 'last hour', 'total'], kinds.length ? kinds.map(function (k) {
      return h('tr', null, [td(k, 'mono'), td(String(d.errorsByKindLastHour[k]), 'num'), td(String(d.errorsByKind[k] || 0), 'num')]);
    }) : Object.keys(d.errorsByKind).map(function (k) { return h('tr', null, [td(k, 'mono'), td('0', 'num'), td(String(d.errorsByKind[k]), 'num')]); }), 'No errors.'),
      h('h2', { style: 'margin-top:14px', text: 'Dependency checks' }),
      table(['check', 'ok', 'value', 'reason'], d.checks.map(function (c) {
        return h('tr', null, [td(c.name, 'mono'), h('td', null, [badge(c.ok ? 'ok' : 'failed', c.ok ? 'done' : 'failed')]), td(c.value === undefined ? '' : String(c.value), 'num'), td(c.reason || '')]);
      }), 'No checks reported yet.')]);
    var dl = d.deadLetters;
    var dlq = h('div', { 'class': 'card' }, [
      h('h2', { text: 'Dead letters' }),
      h('p', { 'class': 'kv' }, [h('b', { text: String(dl ? dl.count : 0) }), ' waiting', dl && dl.oldestAgeMs !== null ? ' · oldest ' + duration(dl.oldestAgeMs) : '', ' ',
        dl && dl.count > 0 ? h('button', { 'class': 'primary', onclick: function () { replay(null); }, text: 'Replay all' }) : null]),
      table(['id', 'kind', 'reason', 'attempts', ''], dl ? dl.recent.map(function (l) {
        return h('tr', null, [td(l.id, 'mono'), td(l.kind, 'mono'), td(l.reason), td(String(l.attempts), 'num'),
          h('td', null, [h('button', { onclick: function () { replay([l.id]); }, text: 'Replay' })])]);
      }) : [], dl && dl.count > 0 ? 'Not listed one by one (an SQS dead-letter queue on AWS): Replay all replays every letter.' : 'The dead-letter queue is empty.'),
      ui.flash ? h('p', { 'class': 'note-line', text: ui.flash }) : null,
      d.commands.length ? table(['command', 'requested', 'status', 'count'], d.commands.slice(0, 5).map(function (c) {
        return h('tr', null, [td(c.type + (c.deadLetterIds ? ' ×' + c.deadLetterIds.length : ' all')), td(clock(c.requestedAt)), h('td', null, [badge(c.status)]), td(c.count === undefined ? '' : String(c.count), 'num')]);
      }), '') : null
    ]);
    var failures = h('div', { 'class': 'card' }, [h('h2', { text: 'Recent failures' }), table(['time', 'stage', 'kind', 'record', 'reason'], d.failures.slice(0, 10).map(function (f) {
      return h('tr', null, [td(clock(f.at)), td(f.stage), td(f.kind, 'mono'), td(f.recordId || '–', 'mono'), td(f.reason)]);
    }), 'No failures reported.')]);
    var alerts = h('div', { 'class': 'card' }, [h('h2', { text: 'Alerts' }), table(['time', 'alert', 'Slack'], d.alerts.slice(0, 8).map(function (a) {
      return h('tr', null, [td(clock(a.at)), td(a.text.replace(/[*\u0060]/g, '').replace(/:[a-z_]+: /, '')), h('td', null, [badge(a.delivery)])]);
    }), 'No alerts.')]);
    box.replaceChildren(head, chart, anatomy(d), h('div', { 'class': 'grid2' }, [errors, dlq]), h('div', { 'class': 'grid2' }, [failures, alerts]));
  }

  function refresh() {
    readHash();
    var tasks = [fetch('api/integrations').then(function (r) { return r.json(); })];
    if (ui.selected) tasks.push(fetch('api/integrations/' + encodeURIComponent(ui.selected)).then(function (r) { return r.ok ? r.json() : null; }));
    return Promise.all(tasks).then(function (res) {
      ui.overview = res[0];
      ui.fetchedAt = Date.now();
      ui.detail = ui.selected ? res[1] : null;
      renderList();
      if (!ui.busy) renderDetail();
    }).catch(function () {
      document.getElementById('clock').textContent = 'connection lost — retrying';
    });
  }

  var initial = document.getElementById('initial');
  if (initial) { ui.overview = JSON.parse(initial.textContent || '{}'); ui.fetchedAt = Date.now(); }
  window.addEventListener('hashchange', function () { ui.flash = ''; ui.detail = null; readHash(); renderList(); renderDetail(); refresh(); });
  readHash();
  if (!ui.selected && ui.overview && ui.overview.integrations.length > 0) location.hash = '#/i/' + encodeURIComponent(ui.overview.integrations[0].id);
  refresh();
  setInterval(refresh, 2000);
  setInterval(function () { if (ui.overview) renderList(); }, 1000);
})();
`;

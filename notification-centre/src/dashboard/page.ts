/** The dashboard's HTML: the integration list is rendered on the server; dashboard.js keeps it live. */
import type { IntegrationOverview, Overview } from '../centre.ts';

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function row(i: IntegrationOverview): string {
  const ago = i.lastHeartbeatAgo ?? 'no heartbeat yet';
  return `<li><a class="row" data-id="${escapeHtml(i.id)}" href="#/i/${encodeURIComponent(i.id)}">
  <span class="dot ${i.status}"></span>
  <span class="name">${escapeHtml(i.name)}</span>
  <span class="ago">${escapeHtml(ago)}</span>
  <span class="status ${i.status}">${i.status}</span>
</a></li>`;
}

export const DASHBOARD_CSS = `
:root { --bg:#f6f7f9; --card:#fff; --ink:#1b1f24; --muted:#667085; --line:#e4e7ec; --up:#12b76a; --down:#f04438;
  --degraded:#f79009; --pending:#98a2b3; --accent:#3b5bdb; --err:#f04438; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); font-size:14px; }
header { display:flex; align-items:baseline; gap:16px; padding:14px 24px; background:#101828; color:#fff; }
header h1 { font-size:17px; margin:0; font-weight:600; }
header .summary { color:#d0d5dd; font-size:13px; }
header .clock { margin-left:auto; color:#98a2b3; font-variant-numeric: tabular-nums; font-size:12px; }
main { display:grid; grid-template-columns: 380px 1fr; gap:20px; padding:20px 24px; align-items:start; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 16px; }
.card h2 { font-size:13px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); margin:0 0 10px; font-weight:600; }
ul.list { list-style:none; margin:0; padding:0; }
a.row { display:grid; grid-template-columns: 14px 1fr auto 72px; align-items:center; gap:10px; padding:10px 8px; border-radius:8px;
  color:inherit; text-decoration:none; border-bottom:1px solid var(--line); }
ul.list li:last-child a.row { border-bottom:0; }
a.row:hover { background:#f2f4f7; } a.row.selected { background:#eef2ff; }
.row .name { font-weight:500; } .row .ago { color:var(--muted); font-variant-numeric: tabular-nums; }
.dot { width:10px; height:10px; border-radius:50%; background:var(--pending); display:inline-block; }
.dot.up { background:var(--up); box-shadow:0 0 0 3px #d1fadf; } .dot.down { background:var(--down); box-shadow:0 0 0 3px #fee4e2; }
.dot.degraded { background:var(--degraded); }
.status { font-size:12px; text-align:right; color:var(--muted); } .status.down { color:var(--down); font-weight:600; }
.status.up { color:#027a48; } .status.degraded { color:#b54708; }
.detail { display:grid; gap:16px; }
.detail-head { display:flex; flex-wrap:wrap; gap:8px 28px; align-items:baseline; }
.detail-head h2 { font-size:20px; text-transform:none; letter-spacing:0; color:var(--ink); margin:0; }
.kv { color:var(--muted); } .kv b { color:var(--ink); font-weight:600; font-variant-numeric: tabular-nums; }
.grid2 { display:grid; grid-template-columns: 1fr 1fr; gap:16px; }
table { width:100%; border-collapse:collapse; font-size:13px; }
th { text-align:left; color:var(--muted); font-weight:500; padding:4px 6px; border-bottom:1px solid var(--line); }
td { padding:5px 6px; border-bottom:1px solid #f2f4f7; vertical-align:top; }
td.num { text-align:right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:12px; }
td.mono { white-space:nowrap; }
.empty { color:var(--muted); font-style:italic; }
button { font:inherit; font-size:12px; border:1px solid var(--line); background:#fff; border-radius:6px; padding:4px 10px; cursor:pointer; }
button.primary { background:var(--accent); color:#fff; border-color:var(--accent); }
button:hover { filter:brightness(.96); }
.legend { display:flex; gap:14px; font-size:12px; color:var(--muted); margin-bottom:4px; }
.legend i { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:4px; vertical-align:-1px; }
.badge { display:inline-block; padding:1px 8px; border-radius:999px; font-size:12px; background:#f2f4f7; color:#344054; }
.badge.landed, .badge.sent, .badge.done { background:#d1fadf; color:#05603a; }
.badge.dead-lettered, .badge.failed, .badge.quarantined, .badge.unauthorised, .badge.down { background:#fee4e2; color:#b42318; }
.badge.retried, .badge.pending, .badge.skipped { background:#fef0c7; color:#93370d; }
.badge.echo-dropped, .badge.duplicate-ignored, .badge.skipped-unchanged { background:#e0eaff; color:#3538cd; }
.stages { display:grid; grid-template-columns: repeat(7, 1fr); gap:6px; margin-top:10px; }
.stage { border:1px solid var(--line); border-radius:8px; padding:8px; min-height:74px; background:#fcfcfd; }
.stage .n { font-size:11px; color:var(--muted); } .stage .t { font-weight:600; margin:2px 0 4px; }
.stage .ms { font-variant-numeric: tabular-nums; } .stage .note { font-size:11px; color:var(--muted); word-break:break-all; }
.stage.ok { border-color:#a6f4c5; background:#f6fef9; } .stage.failed { border-color:#fda29b; background:#fffbfa; }
.stage.missing { opacity:.45; }
tr.pick { cursor:pointer; } tr.pick:hover td { background:#f9fafb; } tr.pick.chosen td { background:#eef2ff; }
.note-line { font-size:12px; color:var(--muted); margin-top:6px; }
.notice { padding:8px 10px; border-radius:8px; background:#fef3f2; color:#b42318; font-size:13px; }
`;

export function renderDashboard(overview: Overview): string {
  const up = overview.integrations.filter((i) => i.status === 'up').length;
  const down = overview.integrations.filter((i) => i.status === 'down').length;
  const rows = overview.integrations.map(row).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kongo Notification Centre</title>
<link rel="icon" href="data:,">
<style>${DASHBOARD_CSS}</style>
</head>
<body>
<header>
  <h1>Kongo Notification Centre</h1>
  <span class="summary" id="summary">${overview.integrations.length} integrations · ${up} up · ${down} down</span>
  <span class="clock" id="clock">${new Date(overview.now).toISOString().slice(11, 19)} UTC</span>
</header>
<main>
  <section class="card">
    <h2>Integrations</h2>
    <ul class="list" id="integrations">
${rows || '<li class="empty">No integrations registered yet.</li>'}
    </ul>
  </section>
  <section class="detail" id="detail">
    <div class="card"><p class="empty">Choose an integration to see its heartbeat, events and errors per minute, dead letters and the anatomy of its record changes.</p></div>
  </section>
</main>
<script id="initial" type="application/json">${JSON.stringify(overview).replace(/</g, '\\u003c')}</script>
<script src="dashboard.js" defer></script>
</body>
</html>`;
}

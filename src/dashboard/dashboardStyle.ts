/**
 * The dashboard's style sheet, served as `/api/dashboard/style.css`. Colours keep text at a
 * contrast of at least 4.5:1 (WCAG 2.2 AA); the layout fits a 1366x768 laptop screen.
 */
export const DASHBOARD_STYLE = String.raw`
:root {
  --text: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --panel: #f6f8fa;
  --accent: #0b5cad; --accent-text: #ffffff; --focus: #bf4b00;
  --good-bg: #dafbe1; --good: #116329; --bad-bg: #ffebe9; --bad: #a40e26;
  --busy-bg: #ddf4ff; --busy: #0a3069; --idle-bg: #eaeef2; --idle: #24292f;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
  font-size: 15px; line-height: 1.45; color: var(--text); background: var(--bg);
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; }
main { padding: 0 24px 32px; max-width: 1400px; margin: 0 auto; }
main:focus { outline: none; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; top: 0; }
.skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 6px 10px; z-index: 10; }
.top { display: flex; align-items: baseline; justify-content: space-between; gap: 16px; padding: 10px 24px; border-bottom: 1px solid var(--line); background: var(--panel); }
.top h1 { font-size: 1.25rem; margin: 0; }
.top h1 a { color: var(--text); text-decoration: none; }
.top p { margin: 0; }
.muted { color: var(--muted); }
h2 { font-size: 1.2rem; margin: 18px 0 8px; }
h3 { font-size: 1.05rem; margin: 16px 0 6px; }
h2:focus, h3:focus { outline: none; }
.status { min-height: 1.6em; padding: 4px 24px; max-width: 1400px; margin: 0 auto; color: var(--busy); }
.alert { margin: 0 24px 8px; padding: 8px 12px; border: 1px solid var(--bad); background: var(--bad-bg); color: var(--bad); border-radius: 6px; font-weight: 600; }
table.grid { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
table.grid caption { text-align: left; font-weight: 600; padding: 6px 0; color: var(--bad); }
table.grid th, table.grid td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: middle; }
table.grid thead th { background: var(--panel); font-weight: 600; white-space: nowrap; }
table.grid tbody th { font-weight: 500; }
table.grid .num { text-align: right; font-variant-numeric: tabular-nums; }
table.grid td.error { color: var(--bad); max-width: 28rem; }
.scroll { overflow-x: auto; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 0.85rem; font-weight: 600; white-space: nowrap; }
.badge.good { background: var(--good-bg); color: var(--good); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.badge.busy { background: var(--busy-bg); color: var(--busy); }
.badge.idle { background: var(--idle-bg); color: var(--idle); }
.batch-head { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.batch-head h2 { margin: 4px 0; }
.batch-head .badge { font-size: 1rem; padding: 2px 12px; }
.summary { display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 6px 0 10px; }
.summary div { display: flex; gap: 6px; }
.summary dt { color: var(--muted); }
.summary dd { margin: 0; font-weight: 500; }
button { font: inherit; padding: 6px 14px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-text); cursor: pointer; }
button:hover { filter: brightness(1.12); }
button.secondary { background: var(--bg); color: var(--accent); }
button[aria-disabled="true"] { opacity: 0.5; cursor: not-allowed; filter: none; }
button[aria-busy="true"] { opacity: 0.6; cursor: progress; }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 8px 0; }
.toolbar .sep { width: 1px; height: 24px; background: var(--line); margin: 0 6px; }
.upload { display: grid; gap: 12px; max-width: 1000px; }
.fields { display: flex; flex-wrap: wrap; gap: 12px 20px; align-items: end; }
.fields label { display: flex; flex-direction: column; gap: 3px; font-weight: 500; }
.fields label.check { flex-direction: row; align-items: center; gap: 6px; }
input, select { font: inherit; padding: 5px 8px; border: 1px solid #6e7781; border-radius: 6px; background: var(--bg); color: var(--text); }
input[type="checkbox"] { width: 18px; height: 18px; }
.drop { border: 2px dashed #6e7781; border-radius: 8px; padding: 14px 16px; background: var(--panel); display: flex; flex-wrap: wrap; align-items: center; gap: 10px; }
.drop.over { border-color: var(--accent); background: var(--busy-bg); }
.drop label { font-weight: 600; }
.drop .chosen { flex-basis: 100%; margin: 0; }
.upload button { justify-self: start; }
#upload-errors { margin-top: 12px; max-width: 1000px; }
#upload-errors:focus { outline: none; }
td.progress { white-space: nowrap; }
td.progress span { display: inline-block; min-width: 3.5em; text-align: right; font-variant-numeric: tabular-nums; }
progress { width: 7rem; height: 0.8rem; vertical-align: middle; accent-color: #1a7f37; }
.chart { border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
.chart-svg { display: block; width: 100%; height: auto; max-height: 190px; }
.chart-svg .grid-line { stroke: var(--line); stroke-width: 1; }
.chart-svg .axis { font-size: 12px; fill: var(--muted); }
.chart-svg .bar { fill: #2f81f7; }
.chart-svg .bar:hover { fill: var(--accent); }
.chart-svg .bytes-line { fill: none; stroke: #bf4b00; stroke-width: 2; }
.chart-svg .bytes-dot { fill: #bf4b00; }
.legend { display: flex; gap: 20px; margin: 4px 0 0; font-size: 0.85rem; color: var(--muted); }
.legend span::before { content: ""; display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: -1px; }
.key-items::before { background: #2f81f7; }
.key-bytes::before { height: 3px !important; vertical-align: 3px !important; background: #bf4b00; }
.chart-section p { margin: 4px 0; }
`;

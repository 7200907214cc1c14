import type { ThroughputView } from './apiTypes.js';
import { byId, el, svgEl } from './dom.js';
import { clockTime, formatBytes, formatNumber } from './format.js';

/** The throughput chart: items per interval as bars (left axis), bytes as a line (right axis), inline SVG. */

/** A short batch has few intervals: keep bars narrow, so they read as intervals of time. */
const MIN_CHART_SLOTS = 30;

interface Bar {
  at: number;
  items: number;
  bytes: number;
}

/** Samples on an even time line (empty intervals as zeros), merged so at most 120 bars show. */
function toBars(throughput: ThroughputView): { bars: Bar[]; step: number } {
  const step = (throughput.intervalSeconds || 10) * 1000;
  const samples = throughput.value ?? [];
  const firstSample = samples[0];
  const lastSample = samples[samples.length - 1];
  if (!firstSample || !lastSample) return { bars: [], step };
  const first = Date.parse(firstSample.at);
  const last = Date.parse(lastSample.at);
  const factor = Math.max(1, Math.ceil((last - first) / step / 120));
  const width = step * factor;
  const bars: Bar[] = [];
  for (let t = first; t <= last; t += width) bars.push({ at: t, items: 0, bytes: 0 });
  for (const sample of samples) {
    const bar = bars[Math.floor((Date.parse(sample.at) - first) / width)];
    if (bar) {
      bar.items += sample.items;
      bar.bytes += sample.bytes;
    }
  }
  return { bars, step: width };
}

/** 1, 2 or 5 times a power of ten, at least n. */
function niceCeiling(n: number): number {
  if (n <= 0) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(n)));
  for (const step of [1, 2, 5, 10]) if (step * power >= n) return step * power;
  return 10 * power;
}

/** A nice ceiling in the unit the axis shows (KB, MB...), so its labels read as round numbers. */
function niceBytesCeiling(n: number): number {
  let unit = 1;
  while (n >= unit * 1024) unit *= 1024;
  return niceCeiling(n / unit) * unit;
}

export function renderChart(throughput: ThroughputView): void {
  const chart = toBars(throughput);
  const bars = chart.bars;
  const seconds = chart.step / 1000;
  const box = byId('chart');
  const firstBar = bars[0];
  const lastBar = bars[bars.length - 1];
  if (!firstBar || !lastBar) {
    box.replaceChildren(el('p', 'Nothing copied yet.', { class: 'muted' }));
    byId('chart-summary').textContent = '';
    return;
  }
  const totalItems = bars.reduce((n, b) => n + b.items, 0);
  const totalBytes = bars.reduce((n, b) => n + b.bytes, 0);
  const mostItems = Math.max(...bars.map((b) => b.items));
  const maxItems = niceCeiling(mostItems);
  const maxBytes = niceBytesCeiling(Math.max(...bars.map((b) => b.bytes)));
  const W = 1300,
    H = 170,
    left = 56,
    right = 80,
    top = 12,
    bottom = 28;
  const plotW = W - left - right,
    plotH = H - top - bottom;
  const slot = plotW / Math.max(bars.length, MIN_CHART_SLOTS);
  const summary = `Items copied per ${seconds} s from ${clockTime(firstBar.at)} to ${clockTime(lastBar.at + chart.step)}: ${formatNumber(totalItems)} items and ${formatBytes(totalBytes)} in all, at most ${formatNumber(mostItems)} items in one interval.`;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'chart-title', class: 'chart-svg' });
  svg.append(svgEl('title', { id: 'chart-title' }, summary));
  for (const f of [0, 0.5, 1]) {
    const y = top + plotH * (1 - f);
    svg.append(svgEl('line', { x1: left, x2: W - right, y1: y, y2: y, class: 'grid-line' }));
    svg.append(svgEl('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, formatNumber(maxItems * f)));
    svg.append(svgEl('text', { x: W - right + 6, y: y + 4, 'text-anchor': 'start', class: 'axis bytes-axis' }, formatBytes(maxBytes * f)));
  }
  const points = bars.map((bar, i) => {
    const h = (plotH * bar.items) / maxItems;
    const x = left + i * slot;
    const rect = svgEl('rect', { x: x + slot * 0.1, y: top + plotH - h, width: Math.max(1, slot * 0.8), height: h, class: 'bar' });
    rect.append(svgEl('title', {}, `${clockTime(bar.at)}: ${formatNumber(bar.items)} items, ${formatBytes(bar.bytes)}`));
    svg.append(rect);
    return { x: x + slot / 2, y: top + plotH - (plotH * bar.bytes) / maxBytes };
  });
  svg.append(svgEl('polyline', { points: points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' '), class: 'bytes-line' }));
  for (const p of points) svg.append(svgEl('circle', { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: 3.5, class: 'bytes-dot' }));
  const labels = bars.length > 2 ? [0, Math.floor(bars.length / 2), bars.length - 1] : bars.map((_, i) => i);
  for (const i of labels) {
    svg.append(svgEl('text', { x: left + (i + 0.5) * slot, y: H - 8, 'text-anchor': 'middle', class: 'axis' }, clockTime(bars[i]?.at ?? firstBar.at)));
  }
  const legend = el('p', null, { class: 'legend' });
  legend.append(
    el('span', `Items per ${seconds} s (left axis)`, { class: 'key-items' }),
    el('span', `Bytes per ${seconds} s (right axis)`, { class: 'key-bytes' }),
  );
  box.replaceChildren(svg, legend);
  byId('chart-summary').textContent = summary;
}

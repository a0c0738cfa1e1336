// Small inline-SVG charts. Labels and numbers are set as text content, never markup.
const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#2f6fdf', '#e08a1e', '#2e9e5b', '#c2413b', '#7b5cc4', '#5a6b7b'];

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/// Stacked bars: one bar per label, one segment per series. `title` is the accessible name.
export function stackedBars({ title, labels, series, width = 560, height = 220 }) {
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', 'aria-label': title });
  root.append(svg('title', {}, title));
  const top = 16, bottom = 40, left = 40, right = 8;
  const totals = labels.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const plotH = height - top - bottom, slot = (width - left - right) / Math.max(1, labels.length);
  root.append(svg('line', { x1: left, y1: top + plotH, x2: width - right, y2: top + plotH, stroke: '#888' }));
  root.append(svg('text', { x: left - 6, y: top + 4, 'text-anchor': 'end', class: 'axis' }, String(max)));
  root.append(svg('text', { x: left - 6, y: top + plotH, 'text-anchor': 'end', class: 'axis' }, '0'));
  labels.forEach((label, i) => {
    let y = top + plotH;
    series.forEach((s, k) => {
      const v = s.values[i] ?? 0;
      const hgt = (v / max) * plotH;
      y -= hgt;
      const rect = svg('rect', { x: left + i * slot + slot * 0.15, y, width: slot * 0.7, height: hgt, fill: COLORS[k % COLORS.length] });
      rect.append(svg('title', {}, `${label} · ${s.name}: ${v}`));
      root.append(rect);
    });
    if (labels.length <= 16 || i % Math.ceil(labels.length / 16) === 0) {
      root.append(svg('text', { x: left + i * slot + slot / 2, y: height - bottom + 14, 'text-anchor': 'middle', class: 'axis' }, label));
    }
  });
  series.forEach((s, k) => {
    const x = left + k * 130;
    root.append(svg('rect', { x, y: height - 14, width: 10, height: 10, fill: COLORS[k % COLORS.length] }));
    root.append(svg('text', { x: x + 14, y: height - 5, class: 'legend' }, s.name));
  });
  return root;
}

/// Horizontal bars, e.g. decisions per reviewer.
export function horizontalBars({ title, rows, width = 560 }) {
  const rowH = 22, height = Math.max(40, rows.length * rowH + 10), left = 190;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', 'aria-label': title });
  root.append(svg('title', {}, title));
  const max = Math.max(1, ...rows.map((r) => r.value));
  rows.forEach((r, i) => {
    const y = 5 + i * rowH;
    root.append(svg('text', { x: left - 6, y: y + 14, 'text-anchor': 'end', class: 'axis' }, r.label));
    root.append(svg('rect', { x: left, y, width: Math.max(1, (r.value / max) * (width - left - 50)), height: rowH - 6, fill: COLORS[0] }));
    root.append(svg('text', { x: left + (r.value / max) * (width - left - 50) + 4, y: y + 14, class: 'axis' }, String(r.value)));
  });
  return root;
}

/// Reliability plot: per confidence band, the share approved unchanged, against the diagonal of perfect calibration.
export function reliability({ title, bands, width = 560, height = 240 }) {
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', 'aria-label': title });
  root.append(svg('title', {}, title));
  const left = 40, right = 10, top = 10, bottom = 30, w = width - left - right, hgt = height - top - bottom;
  const x = (c) => left + c * w, y = (p) => top + (1 - p) * hgt;
  root.append(svg('rect', { x: left, y: top, width: w, height: hgt, fill: 'none', stroke: '#d0d7de' }));
  root.append(svg('line', { x1: x(0), y1: y(0), x2: x(1), y2: y(1), stroke: '#888', 'stroke-dasharray': '4 4' }));
  for (const t of [0, 0.5, 1]) {
    root.append(svg('text', { x: left - 6, y: y(t) + 4, 'text-anchor': 'end', class: 'axis' }, `${t * 100}%`));
    root.append(svg('text', { x: x(t), y: height - 10, 'text-anchor': 'middle', class: 'axis' }, t.toFixed(1)));
  }
  const points = bands.filter((b) => b.reviewed > 0 && b.share_approved_unchanged !== null);
  if (points.length > 1) {
    root.append(svg('polyline', { fill: 'none', stroke: COLORS[0], 'stroke-width': 2,
      points: points.map((b) => `${x((b.from + b.to) / 2)},${y(b.share_approved_unchanged)}`).join(' ') }));
  }
  for (const b of points) {
    const dot = svg('circle', { cx: x((b.from + b.to) / 2), cy: y(b.share_approved_unchanged), r: 3 + Math.min(6, Math.sqrt(b.reviewed)), fill: COLORS[0] });
    dot.append(svg('title', {}, `${b.from.toFixed(1)}–${b.to.toFixed(1)}: ${Math.round(b.share_approved_unchanged * 100)}% of ${b.reviewed} approved unchanged`));
    root.append(dot);
  }
  return root;
}

/// Risk–coverage: per threshold, the share auto-approved (coverage) and the estimated error with its 95% band,
/// today's threshold and the recommended one marked.
export function riskCoverage({ title, points, current, recommended, width = 560, height = 240 }) {
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', 'aria-label': title });
  root.append(svg('title', {}, title));
  const left = 40, right = 10, top = 10, bottom = 42, w = width - left - right, hgt = height - top - bottom;
  const x = (t) => left + ((t - 0.5) / 0.5) * w, y = (p) => top + (1 - p) * hgt;
  root.append(svg('rect', { x: left, y: top, width: w, height: hgt, fill: 'none', stroke: '#d0d7de' }));
  for (const t of [0, 0.5, 1]) root.append(svg('text', { x: left - 6, y: y(t) + 4, 'text-anchor': 'end', class: 'axis' }, `${t * 100}%`));
  for (const t of [0.5, 0.75, 1]) root.append(svg('text', { x: x(t), y: top + hgt + 14, 'text-anchor': 'middle', class: 'axis' }, t.toFixed(2)));
  root.append(svg('polyline', { fill: 'none', stroke: COLORS[0], 'stroke-width': 2, points: points.map((p) => `${x(p.threshold)},${y(p.coverage)}`).join(' ') }));
  const known = points.filter((p) => p.error !== null);
  if (known.length) {
    const band = known.map((p) => `${x(p.threshold)},${y(p.ci[1])}`).concat(known.slice().reverse().map((p) => `${x(p.threshold)},${y(p.ci[0])}`));
    root.append(svg('polygon', { points: band.join(' '), fill: COLORS[3], opacity: 0.15 }));
    root.append(svg('polyline', { fill: 'none', stroke: COLORS[3], 'stroke-width': 2, points: known.map((p) => `${x(p.threshold)},${y(p.error)}`).join(' ') }));
  }
  for (const [t, label, color] of [[current, 'today', '#888'], [recommended, 'recommended', COLORS[2]]]) {
    if (t === undefined || t === null) continue;
    root.append(svg('line', { x1: x(t), y1: top, x2: x(t), y2: top + hgt, stroke: color, 'stroke-dasharray': '4 3', class: `marker-${label}` }));
    root.append(svg('text', { x: x(t) + 3, y: top + 12, class: 'legend' }, `${label} ${t}`));
  }
  [['coverage', COLORS[0]], ['estimated error, 95% band', COLORS[3]]].forEach(([name, color], k) => {
    root.append(svg('rect', { x: left + k * 150, y: height - 14, width: 10, height: 10, fill: color }));
    root.append(svg('text', { x: left + k * 150 + 14, y: height - 5, class: 'legend' }, name));
  });
  return root;
}

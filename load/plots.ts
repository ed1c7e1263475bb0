/**
 * Line charts as standalone SVG (no browser, no dependency): latency over time and throughput of a load run. A
 * bucket without samples is a gap in its line, never a point at zero.
 */

export interface Series {
  name: string;
  /** [x, y] points in x order; y `null` breaks the line. */
  points: [number, number | null][];
}

export interface Chart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Horizontal reference lines (thresholds), drawn dashed. */
  rules?: { y: number; label: string }[];
}

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(3)).toString());

/** A "nice" upper bound and tick step for [0, max]. */
export function niceScale(max: number, ticks = 5): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.2 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step, step };
}

/** Renders `chart` as an SVG document (800×420). */
export function lineChart(chart: Chart): string {
  const W = 800;
  const H = 420;
  const m = { l: 70, r: 170, t: 40, b: 50 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const xs = chart.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = chart.series.flatMap((s) => s.points.flatMap((p) => (p[1] === null ? [] : [p[1]])));
  const xMax = Math.max(1, ...xs);
  const { top, step } = niceScale(Math.max(0, ...ys, ...(chart.rules ?? []).map((r) => r.y)));
  const x = (v: number) => m.l + (v / xMax) * pw;
  const y = (v: number) => m.t + ph - (v / top) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - m.r / 2}" y="22" text-anchor="middle" font-size="15">${esc(chart.title)}</text>`,
  ];
  for (let v = 0; v <= top + step / 2; v += step) {
    out.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.l - 6}" y="${y(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  const xStep = niceScale(xMax, 8).step;
  for (let v = 0; v <= xMax; v += xStep)
    out.push(`<text x="${x(v)}" y="${m.t + ph + 18}" text-anchor="middle">${fmt(v)}</text>`);
  out.push(
    `<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${m.t + ph}" stroke="#333"/>`,
    `<line x1="${m.l}" x2="${m.l + pw}" y1="${m.t + ph}" y2="${m.t + ph}" stroke="#333"/>`,
    `<text x="${m.l + pw / 2}" y="${H - 10}" text-anchor="middle">${esc(chart.xLabel)}</text>`,
    `<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(chart.yLabel)}</text>`,
  );
  for (const rule of chart.rules ?? []) {
    out.push(
      `<line x1="${m.l}" x2="${m.l + pw}" y1="${y(rule.y)}" y2="${y(rule.y)}" stroke="#999" stroke-dasharray="6 4"/>`,
      `<text x="${m.l + pw - 4}" y="${y(rule.y) - 4}" text-anchor="end" fill="#666">${esc(rule.label)}</text>`,
    );
  }
  chart.series.forEach((s, i) => {
    const colour = palette[i % palette.length]!;
    // One path, a new sub-path after every gap.
    let d = '';
    let pen = false;
    for (const [px, py] of s.points) {
      if (py === null) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${x(px).toFixed(1)} ${y(py).toFixed(1)} `;
      pen = true;
    }
    if (d) out.push(`<path d="${d.trim()}" fill="none" stroke="${colour}" stroke-width="1.6"/>`);
    const ly = m.t + 10 + i * 18;
    out.push(
      `<line x1="${W - m.r + 12}" x2="${W - m.r + 32}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="3"/>`,
      `<text x="${W - m.r + 38}" y="${ly + 4}">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

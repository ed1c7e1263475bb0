import type { Scenario } from './report.js';

const COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A horizontal stacked bar per scenario: monthly cost split into gateway, ingest and fixed, with the infra budget as
 * a dashed line. Plain SVG, no dependencies, readable in a browser or a Markdown preview.
 */
export function costChartSvg(scenarios: Scenario[], budgetUsd: number): string {
  const parts = ['gateway (variable)', 'ingest (variable)', 'fixed'];
  const values = (s: Scenario) => [s.gateway.totalUsd, s.ingest.totalUsd, s.fixedMonthlyUsd];
  const max = Math.max(budgetUsd, ...scenarios.map((s) => s.monthlyUsd)) * 1.05;
  const left = 220;
  const width = 900;
  const plot = width - left - 40;
  const row = 34;
  const top = 50;
  const height = top + scenarios.length * row + 70;
  const x = (v: number) => left + (v / max) * plot;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<text x="${left}" y="24" font-size="15" font-weight="bold">Monthly cost at stated volumes (USD)</text>`,
  ];
  scenarios.forEach((s, i) => {
    const y = top + i * row;
    out.push(`<text x="${left - 8}" y="${y + 17}" text-anchor="end">${esc(s.name)}</text>`);
    let acc = 0;
    values(s).forEach((v, j) => {
      out.push(
        `<rect x="${x(acc).toFixed(1)}" y="${y + 4}" width="${(x(acc + v) - x(acc)).toFixed(1)}" height="${row - 10}" fill="${COLORS[j]}"><title>${esc(parts[j]!)}: $${v.toFixed(0)}</title></rect>`,
      );
      acc += v;
    });
    out.push(`<text x="${(x(acc) + 6).toFixed(1)}" y="${y + 17}">$${acc.toFixed(0)}</text>`);
  });
  const by = top + scenarios.length * row;
  out.push(
    `<line x1="${x(budgetUsd).toFixed(1)}" y1="${top - 6}" x2="${x(budgetUsd).toFixed(1)}" y2="${by}" stroke="#000" stroke-dasharray="4 3"/>`,
    `<text x="${x(budgetUsd).toFixed(1)}" y="${top - 10}" text-anchor="end">infra budget $${budgetUsd.toLocaleString('en-US')}</text>`,
    `<line x1="${left}" y1="${by}" x2="${left + plot}" y2="${by}" stroke="#444"/>`,
  );
  for (let k = 0; k <= 4; k++) {
    const v = (max / 4) * k;
    out.push(
      `<text x="${x(v).toFixed(1)}" y="${by + 16}" text-anchor="middle" fill="#444">$${Math.round(v).toLocaleString('en-US')}</text>`,
    );
  }
  parts.forEach((p, j) => {
    const lx = left + j * 180;
    out.push(
      `<rect x="${lx}" y="${by + 32}" width="12" height="12" fill="${COLORS[j]}"/><text x="${lx + 18}" y="${by + 42}">${esc(p)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

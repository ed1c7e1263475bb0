import { describe, expect, it } from 'vitest';
import { lineChart, niceScale } from './plots.js';

describe('load plots', () => {
  it('draws one line per series and breaks it where a bucket has no samples', () => {
    const svg = lineChart({
      title: 'p95 <latency>',
      xLabel: 's',
      yLabel: 'ms',
      series: [
        {
          name: 'reads',
          points: [
            [0, 10],
            [1, 12],
            [2, null],
            [3, 11],
          ],
        },
        { name: 'writes', points: [[0, 40]] },
      ],
      rules: [{ y: 350, label: 'SLO p95 350 ms' }],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('p95 &lt;latency&gt;');
    const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]!);
    expect(paths).toHaveLength(2);
    // The gap at x=2 starts a new sub-path (a second M) instead of drawing a point at zero.
    expect(paths[0]!.match(/M/g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray');
  });

  it('picks round axis bounds above the largest value', () => {
    expect(niceScale(347)).toEqual({ top: 400, step: 100 });
    expect(niceScale(0)).toEqual({ top: 1, step: 0.2 });
    expect(niceScale(61_000).top).toBeGreaterThanOrEqual(61_000);
  });
});

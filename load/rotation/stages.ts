/**
 * The stages of a rotation drill and their verdicts. Each stage names what it claims — which credential must be
 * accepted and which refused at that point — and the probes it made; its verdict compares the two. The drill passes
 * only when every stage claimed something and every claim held: a stage with nothing to check fails too.
 */

export type Expectation = 'accepted' | 'refused';

/** One probe's answer: an HTTP status, and the error code when the answer carried one. */
export interface Probe {
  status: number;
  code?: string;
}

export interface Stage {
  stage: string;
  at: string;
  /** What must hold at this stage, per credential probed (`old`, `new`). */
  expected: Record<string, Expectation>;
  observed: Record<string, Probe>;
  /** What did not hold (empty when the stage passed). */
  failures: string[];
  ok: boolean;
  detail: Record<string, unknown>;
}

/** How a drill tells an accepted credential from a refused one (for example 401 BAD_SIGNATURE is refused). */
export type Classify = (probe: Probe) => Expectation | 'other';

/** The failures of one stage: every expectation whose probe is missing or classified otherwise; none expected is one. */
export function stageFailures(
  expected: Record<string, Expectation>,
  observed: Record<string, Probe>,
  classify: Classify,
): string[] {
  const names = Object.keys(expected);
  if (names.length === 0) return ['the stage checks nothing'];
  return names.flatMap((name) => {
    const probe = observed[name];
    if (!probe) return [`${name}: no probe`];
    const got = classify(probe);
    return got === expected[name] ? [] : [`${name}: expected ${expected[name]}, got ${got} (${JSON.stringify(probe)})`];
  });
}

/** Collects a drill's stages with their verdicts, printing each as it happens. */
export class StageLog {
  readonly stages: Stage[] = [];

  constructor(private readonly print: (line: string) => void = (l) => console.log(l)) {}

  /** Records a stage: what it claims, what its probes saw, and anything else worth keeping. */
  record(
    stage: string,
    check: { expected: Record<string, Expectation>; observed: Record<string, Probe>; classify: Classify },
    detail: Record<string, unknown> = {},
  ): Stage {
    const failures = stageFailures(check.expected, check.observed, check.classify);
    const s: Stage = {
      stage,
      at: new Date().toISOString(),
      expected: check.expected,
      observed: check.observed,
      failures,
      ok: failures.length === 0,
      detail,
    };
    this.stages.push(s);
    this.print(`  ${s.at}  ${s.ok ? 'ok  ' : 'FAIL'}  ${stage}  ${JSON.stringify({ ...s.observed, ...detail })}`);
    for (const f of failures) this.print(`        ${f}`);
    return s;
  }

  /** True when there were stages under `prefix` and every one of them passed. */
  passed(prefix = ''): boolean {
    const mine = this.stages.filter((s) => s.stage.startsWith(prefix));
    return mine.length > 0 && mine.every((s) => s.ok);
  }
}

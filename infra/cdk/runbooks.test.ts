import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runbookBaseUrl, runbookSections, runbookUrl } from './observability/runbooks.js';
import { prometheusRulesPath } from './slo/write-prometheus.js';
import { type SynthesizedStage, synthStage } from './test-support/synth.js';

const runbooksDir = join(import.meta.dirname, '..', '..', 'runbooks');

/** GitHub's heading anchor: lower case, punctuation dropped (hyphens and underscores kept), spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

/** Why a runbook link does not resolve to a heading of a file under runbooks/, or undefined when it does. */
function brokenLink(url: string): string | undefined {
  if (!url.startsWith(`${runbookBaseUrl}/`)) return `${url} is not under ${runbookBaseUrl}`;
  const [file, anchor] = url.slice(runbookBaseUrl.length + 1).split('#');
  if (!file || !anchor) return `${url} names no section`;
  const path = join(runbooksDir, file);
  if (!existsSync(path)) return `${url}: runbooks/${file} does not exist`;
  const anchors = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => /^#{1,6} /.test(l))
    .map((l) => slug(l.replace(/^#+ /, '')));
  return anchors.includes(anchor) ? undefined : `${url}: no heading with anchor #${anchor} in runbooks/${file}`;
}

interface SynthAlarm {
  id: string;
  description: string;
  actions: string;
}

let stage: SynthesizedStage;
let alarms: SynthAlarm[];
beforeAll(() => {
  stage = synthStage('prod', { bundle: false });
  alarms = Object.values(stage.templates).flatMap((t) =>
    Object.entries(
      (t.toJSON() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }).Resources,
    )
      .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::CloudWatch::CompositeAlarm')
      .map(([id, r]) => ({
        id,
        description: JSON.stringify(r.Properties.AlarmDescription ?? ''),
        actions: JSON.stringify(r.Properties.AlarmActions ?? []),
      })),
  );
}, 180_000);

const linkOf = (description: string) => /runbook: (https:\/\/[^\s"\\]+)/.exec(description)?.[1];

describe('alert routes: every alarm links its runbook section', () => {
  it('every synthesised CloudWatch alarm links a runbook heading that exists', () => {
    expect(alarms.length).toBeGreaterThan(20);
    const problems = alarms.flatMap((a) => {
      const url = linkOf(a.description);
      if (!url) return [`${a.id} has no runbook link`];
      const broken = brokenLink(url);
      return broken ? [`${a.id}: ${broken}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it('every page-level alarm has its own runbook section (no shared catch-all)', () => {
    const paging = alarms.filter((a) => /TopicspageTopic|Topicspage/i.test(a.actions));
    expect(paging.length).toBeGreaterThanOrEqual(5);
    const sections = new Set(paging.map((a) => linkOf(a.description)));
    // One composite per SLO pages, plus the queue lag: each on its own heading.
    expect(sections.size).toBe(paging.length);
  });

  it('every PrometheusRule alert carries a runbook_url that resolves', () => {
    const rule = parse(readFileSync(prometheusRulesPath, 'utf8')) as {
      spec: { groups: { rules: { alert?: string; annotations?: { runbook_url?: string } }[] }[] };
    };
    const alerts = rule.spec.groups.flatMap((g) => g.rules.filter((r) => r.alert));
    expect(alerts.length).toBeGreaterThan(0);
    const problems = alerts.flatMap((a) => {
      const url = a.annotations?.runbook_url;
      if (!url) return [`${a.alert} has no runbook_url`];
      const broken = brokenLink(url);
      return broken ? [`${a.alert}: ${broken}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it('finds a link to a heading that does not exist, and a file that does not exist', () => {
    expect(brokenLink(runbookUrl({ file: 'alerts.md', anchor: 'no-such-section' }))).toMatch(/no heading/);
    expect(brokenLink(runbookUrl({ file: 'nope.md', anchor: 'x' }))).toMatch(/does not exist/);
    expect(brokenLink(runbookUrl(runbookSections.erQueueLag))).toBeUndefined();
  });
});

/**
 * What the guardrails read and what the code emits, collected from the artefacts themselves: CloudWatch metrics from
 * synthesised templates (alarms, metric math, dashboard bodies, SEARCH expressions), Prometheus metric names from the
 * PrometheusRule file, and EMF documents / Prometheus registries written by driving the production emitters.
 */
import { parse } from 'yaml';

/** A CloudWatch series someone reads or writes: namespace, metric name and the sorted set of dimension names. */
export interface CwSeries {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: readonly string[];
  /** Where it was found (alarm logical id, dashboard name, emitter). */
  readonly where: string;
}

/** A Prometheus metric someone reads or writes, with the label names involved. */
export interface PromSeries {
  readonly name: string;
  readonly labels: readonly string[];
  readonly where: string;
}

type Json = Record<string, unknown>;

const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

/** Only graphgate's own namespaces: `AWS/*` metrics are published by AWS, not by this code. */
const isCustom = (namespace: string) => !namespace.startsWith('AWS/');

/** `SEARCH('{Namespace,Dim1,Dim2} MetricName="X" …', …)` → the series it can match. */
function searchSeries(expression: string, where: string): CwSeries[] {
  const out: CwSeries[] = [];
  for (const m of expression.matchAll(/SEARCH\(\s*'\{([^}]*)\}([^']*)'/g)) {
    const [namespace, ...dims] = m[1]!.split(',').map((s) => s.trim().replace(/^"|"$/g, ''));
    const name = /MetricName="([^"]+)"/.exec(m[2]!)?.[1];
    if (namespace && name) out.push({ namespace, name, dimensions: sorted(dims), where });
  }
  return out;
}

function alarmSeries(id: string, props: Json): CwSeries[] {
  const where = `alarm ${(props.AlarmName as string | undefined) ?? id}`;
  const out: CwSeries[] = [];
  const dimsOf = (d: unknown) => sorted(((d as { Name: string }[] | undefined) ?? []).map((x) => x.Name));
  if (typeof props.MetricName === 'string' && typeof props.Namespace === 'string') {
    out.push({ namespace: props.Namespace, name: props.MetricName, dimensions: dimsOf(props.Dimensions), where });
  }
  for (const q of (props.Metrics as Json[] | undefined) ?? []) {
    const metric = (q.MetricStat as Json | undefined)?.Metric as Json | undefined;
    if (metric) {
      out.push({
        namespace: metric.Namespace as string,
        name: metric.MetricName as string,
        dimensions: dimsOf(metric.Dimensions),
        where,
      });
    }
    if (typeof q.Expression === 'string') out.push(...searchSeries(q.Expression, where));
  }
  return out;
}

/** A dashboard body as JSON: `Fn::Join` parts with every token (Ref, GetAtt, …) replaced by a placeholder string. */
function dashboardJson(body: unknown): Json {
  if (typeof body === 'string') return JSON.parse(body) as Json;
  const join = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = join[1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(join[0]);
  return JSON.parse(text) as Json;
}

function dashboardSeries(id: string, props: Json): CwSeries[] {
  const where = `dashboard ${typeof props.DashboardName === 'string' ? props.DashboardName : id}`;
  const out: CwSeries[] = [];
  const widgets = (dashboardJson(props.DashboardBody).widgets as Json[] | undefined) ?? [];
  for (const widget of widgets) {
    const metrics = ((widget.properties as Json | undefined)?.metrics as unknown[][] | undefined) ?? [];
    for (const row of metrics) {
      const first = row[0];
      if (first && typeof first === 'object' && typeof (first as Json).expression === 'string') {
        out.push(...searchSeries((first as Json).expression as string, where));
        continue;
      }
      if (typeof first !== 'string' || typeof row[1] !== 'string') continue;
      const rest = row.slice(2).filter((x) => typeof x === 'string') as string[];
      const dims = rest.filter((_, i) => i % 2 === 0);
      out.push({ namespace: first, name: row[1], dimensions: sorted(dims), where });
    }
  }
  return out;
}

/** Every custom CloudWatch series the alarms and dashboards of a synthesised template read. */
export function cloudwatchReads(template: Json): CwSeries[] {
  const resources = (template.Resources as Record<string, { Type: string; Properties: Json }>) ?? {};
  const out: CwSeries[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::CloudWatch::Alarm') out.push(...alarmSeries(id, r.Properties));
    if (r.Type === 'AWS::CloudWatch::Dashboard') out.push(...dashboardSeries(id, r.Properties));
  }
  return out.filter((s) => isCustom(s.namespace));
}

const promqlWords = new Set([
  'sum',
  'rate',
  'irate',
  'increase',
  'max',
  'min',
  'avg',
  'count',
  'histogram_quantile',
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'offset',
  'le',
]);

/** Metric names (and the labels matched on them) in a PromQL expression; recording rules (`a:b:c`) are skipped. */
export function promqlSeries(expr: string, where: string): PromSeries[] {
  const out: PromSeries[] = [];
  // Label values, range selectors ([5m]) and numbers hold no metric names.
  const stripped = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/(?<![a-zA-Z0-9_])\d+(\.\d+)?([eE][-+]?\d+)?/g, '0');
  for (const m of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?/g)) {
    const name = m[1]!;
    const after = stripped.slice((m.index ?? 0) + m[0].length).trimStart();
    if (promqlWords.has(name) || name.includes(':') || after.startsWith('(')) continue;
    const labels = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!=|!~|=)/g)].map((l) => l[1]!);
    out.push({ name, labels: sorted(labels), where });
  }
  return out;
}

/** Every metric a PrometheusRule file's recording and alerting rules read. */
export function prometheusReads(yamlText: string): PromSeries[] {
  const rule = parse(yamlText) as { spec: { groups: { name: string; rules: { expr: string }[] }[] } };
  return rule.spec.groups.flatMap((g) => g.rules.flatMap((r) => promqlSeries(r.expr, `rule group ${g.name}`)));
}

/** The series in EMF documents (one JSON object per line) written by Powertools Metrics. */
export function emfSeries(lines: string[], where: string): CwSeries[] {
  const out: CwSeries[] = [];
  for (const line of lines) {
    let doc: Json;
    try {
      doc = JSON.parse(line) as Json;
    } catch {
      continue;
    }
    const directives = ((doc._aws as Json | undefined)?.CloudWatchMetrics as Json[] | undefined) ?? [];
    for (const d of directives) {
      for (const dimensionSet of d.Dimensions as string[][]) {
        for (const metric of d.Metrics as { Name: string }[]) {
          out.push({ namespace: d.Namespace as string, name: metric.Name, dimensions: sorted(dimensionSet), where });
        }
      }
    }
  }
  return out;
}

/** The series of a Prometheus text exposition (histograms under their `_bucket`, `_sum`, `_count` names too). */
export function exposedSeries(text: string, where: string): PromSeries[] {
  const out = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s/.exec(line);
    if (!m) continue;
    const labels = out.get(m[1]!) ?? new Set<string>();
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) labels.add(l[1]!);
    out.set(m[1]!, labels);
  }
  return [...out].map(([name, labels]) => ({ name, labels: sorted(labels), where }));
}

const cwKey = (s: Pick<CwSeries, 'namespace' | 'name' | 'dimensions'>) =>
  `${s.namespace} ${s.name} [${s.dimensions.join(',')}]`;

/** Reads that no emitter writes under exactly that namespace, name and dimension set. */
export function unemittedCloudwatch(reads: readonly CwSeries[], emitted: readonly CwSeries[]): string[] {
  const have = new Set(emitted.map(cwKey));
  return [...new Set(reads.filter((r) => !have.has(cwKey(r))).map((r) => `${cwKey(r)} read by ${r.where}`))];
}

/** Prometheus reads whose metric nobody exposes, or that match on a label the metric does not carry. */
export function unemittedPrometheus(reads: readonly PromSeries[], emitted: readonly PromSeries[]): string[] {
  const byName = new Map(emitted.map((e) => [e.name, new Set(e.labels)]));
  const missing: string[] = [];
  for (const r of reads) {
    const labels = byName.get(r.name);
    // `le` is the histogram bucket label prom-client always writes on `_bucket` series.
    if (!labels) missing.push(`${r.name} read by ${r.where}`);
    else
      for (const l of r.labels)
        if (!labels.has(l) && !(l === 'le' && r.name.endsWith('_bucket')))
          missing.push(`${r.name}{${l}} read by ${r.where}`);
  }
  return [...new Set(missing)];
}

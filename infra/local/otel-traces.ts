/**
 * Reading what the collector's file exporter wrote (OTLP JSON, one ExportTraceServiceRequest per line), and the
 * unsampled variant of the deployed collector config (the "before" of `npm run telemetry:cost`, and what a test uses
 * when it must see every span).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { collectorConfigFile } from './otel-collector.js';

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
interface OtlpAttribute {
  key: string;
  value: AnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpAttribute[];
  status?: { code?: number };
}
interface OtlpLine {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

/** One exported span, flattened. */
export interface KeptSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** True when the span's status is ERROR (OTLP code 2). */
  error: boolean;
  /** Start, ms since the epoch. */
  startMs: number;
  durationMs: number;
  attributes: Record<string, string | number | boolean>;
  resource: Record<string, string | number | boolean>;
}

function flat(attrs: OtlpAttribute[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of attrs ?? []) {
    const v = value.stringValue ?? value.boolValue ?? value.doubleValue ?? value.intValue;
    if (v !== undefined) out[key] = typeof v === 'string' && value.intValue !== undefined ? Number(v) : v;
  }
  return out;
}

/** Every span in a file-exporter output file (none when the file does not exist yet). */
export function readKeptSpans(file: string): KeptSpan[] {
  if (!existsSync(file)) return [];
  const spans: KeptSpan[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const parsed = JSON.parse(line) as OtlpLine;
    for (const rs of parsed.resourceSpans ?? []) {
      const resource = flat(rs.resource?.attributes);
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          spans.push({
            service: String(resource['service.name'] ?? ''),
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ?? '',
            name: s.name,
            error: s.status?.code === 2,
            startMs: Number(BigInt(s.startTimeUnixNano) / 1_000_000n),
            durationMs: Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e6,
            attributes: flat(s.attributes),
            resource,
          });
        }
      }
    }
  }
  return spans;
}

/**
 * Writes the deployed collector config without tail sampling and without the attribute scrubbing (every span kept,
 * as exported) to `dir`, and returns its path. Everything else — receivers, batching, exporters — is the same file.
 */
export function writeUnsampledConfig(dir: string): string {
  const config = parse(readFileSync(collectorConfigFile, 'utf8')) as {
    service: { pipelines: { traces: { processors: string[] } } };
  };
  const pipeline = config.service.pipelines.traces;
  pipeline.processors = pipeline.processors.filter(
    (p) => p !== 'tail_sampling' && p !== 'attributes/scrub' && p !== 'resource/scrub',
  );
  const file = join(dir, 'collector-unsampled.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CaseResult } from './evidence.js';

export interface VegetaTarget {
  method: 'GET' | 'POST';
  url: string;
  header?: Record<string, string[]>;
  body?: string;
}

function run(bin: string, args: string[], stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${bin} ${args.join(' ')}: ${err}`))));
    if (stdin !== undefined) child.stdin.end(stdin);
    else child.stdin.end();
  });
}

/**
 * One vegeta attack against 127.0.0.1: `rate` 0 means as fast as `workers` allow (closed loop, for throughput);
 * a positive rate is an open model (constant arrival rate). Results go to `out` (vegeta's binary format).
 */
export async function attack(args: {
  vegeta: string;
  targets: VegetaTarget[];
  dir: string;
  out: string;
  rate: number;
  workers?: number;
  durationS: number;
  /** Attack name recorded with every result. */
  name?: string;
  /** Bytes of each response body to keep (vegeta's -max-body; default: all). */
  maxBody?: number;
  /** Seconds before a request fails (vegeta's -timeout; default 10). */
  timeoutS?: number;
}): Promise<void> {
  const targetsFile = join(args.dir, `${args.out}.targets.jsonl`);
  writeFileSync(
    targetsFile,
    args.targets
      .map((t) =>
        JSON.stringify({ ...t, body: t.body === undefined ? undefined : Buffer.from(t.body).toString('base64') }),
      )
      .map((line) => `${line}\n`)
      .join(''),
  );
  const flags = [
    'attack',
    '-format=json',
    `-targets=${targetsFile}`,
    `-duration=${args.durationS}s`,
    `-output=${join(args.dir, args.out)}`,
    `-timeout=${args.timeoutS ?? 10}s`,
    '-keepalive=true',
  ];
  if (args.name) flags.push(`-name=${args.name}`);
  if (args.maxBody !== undefined) flags.push(`-max-body=${args.maxBody}`);
  if (args.rate === 0) flags.push('-rate=0', `-max-workers=${args.workers ?? 16}`, `-workers=${args.workers ?? 16}`);
  // A fractional rate as requests per 100 s (vegeta paces them evenly): exact to 0.01/s, so 1.25/s is 1.25/s and
  // not 1.3/s, and a caller that sized its targets as rate × duration does not run out (vegeta would repeat them).
  else flags.push(Number.isInteger(args.rate) ? `-rate=${args.rate}/s` : `-rate=${Math.round(args.rate * 100)}/100s`);
  await run(args.vegeta, flags);
}

/** vegeta's JSON report over one or more result files, as an EVIDENCE.md case (latencies in ms). */
export async function reportCase(vegeta: string, dir: string, files: string[]): Promise<CaseResult> {
  const json = JSON.parse(await run(vegeta, ['report', '-type=json', ...files.map((f) => join(dir, f))])) as {
    requests: number;
    throughput: number;
    latencies: { '50th': number; '95th': number; '99th': number; mean: number };
    success: number;
    status_codes: Record<string, number>;
  };
  const ms = (ns: number) => Math.round((ns / 1e6) * 1000) / 1000;
  return {
    n: json.requests,
    rps: Math.round(json.throughput * 10) / 10,
    p50_ms: ms(json.latencies['50th']),
    p95_ms: ms(json.latencies['95th']),
    p99_ms: ms(json.latencies['99th']),
    mean_ms: ms(json.latencies.mean),
    errors: json.requests - Math.round(json.success * json.requests),
  };
}

/** One request of an attack, decoded from vegeta's CSV encoding. */
export interface VegetaResult {
  /** When the request was sent (ms since the epoch) and how long it took (ms). */
  sentMs: number;
  latencyMs: number;
  code: number;
  error: string;
  /** Index of the request in the attack (= index of its target, targets are used in order). */
  seq: number;
  /** Response body and headers as vegeta kept them (empty with -max-body=0). */
  body: string;
  headers: string;
}

/** Splits one CSV line (RFC 4180 quoting, as Go's encoding/csv writes it). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

/** Every result of a vegeta results file, in the order vegeta wrote them (`vegeta encode --to csv`, streamed). */
export async function readResults(vegeta: string, file: string): Promise<VegetaResult[]> {
  const child = spawn(vegeta, ['encode', '--to', 'csv', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  const results: VegetaResult[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    if (!line) continue;
    const f = csvFields(line);
    results.push({
      sentMs: Number(f[0]) / 1e6,
      code: Number(f[1]),
      latencyMs: Number(f[2]) / 1e6,
      error: f[5] ?? '',
      seq: Number(f[8]),
      body: Buffer.from(f[6] ?? '', 'base64').toString('utf8'),
      headers: Buffer.from(f[11] ?? '', 'base64').toString('utf8'),
    });
  }
  const code = await closed;
  if (code !== 0) throw new Error(`vegeta encode ${file}: exit ${code}: ${err}`);
  return results;
}

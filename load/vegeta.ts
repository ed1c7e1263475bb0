import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
    '-timeout=10s',
    '-keepalive=true',
  ];
  if (args.rate === 0) flags.push('-rate=0', `-max-workers=${args.workers ?? 16}`, `-workers=${args.workers ?? 16}`);
  else flags.push(`-rate=${args.rate}/s`);
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

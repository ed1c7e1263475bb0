/**
 * The four HTTP deployables as fresh processes against a running twin, on free ports: GraphQL origin, edge, intake
 * API and step-up. What the security corpus and cold-start tests talk to: the same entry points and environment as
 * `npm start`, nothing in-process, so every first request meets a cold process.
 */
import { join } from 'node:path';
import { startEdge, startIntakeApi, startOrigin, startStepup } from './apps.js';
import { type DevKeys, ensureDevKeys } from './dev-keys.js';
import { freePort } from './process.js';
import type { RunningComponent, TwinEndpoints } from './types.js';

/** Base URLs (no path) of the running apps, their internal metrics ports, log files and the keys they trust. */
export interface AppStack {
  urls: { edge: string; origin: string; intake: string; stepUp: string };
  metricsPorts: { edge: number; origin: number; intake: number };
  logs: { edge: string; origin: string; intake: string; stepUp: string };
  keys: DevKeys;
  stop(): Promise<void>;
}

/** Rate limits far above what a corpus or test sends: they would otherwise answer 429 before the code under test. */
const generousLimits = {
  rateLimits: { tenant: { requests: 1_000_000, windowS: 60 }, subject: { requests: 1_000_000, windowS: 60 } },
};

/**
 * Starts origin, edge, intake and step-up in parallel (each waits for its own /healthz) with keys generated in
 * `runDir`. If one fails to start, the others are stopped and the error names the component and its log.
 */
export async function startAppStack(runDir: string, endpoints: TwinEndpoints): Promise<AppStack> {
  const keys = ensureDevKeys(join(runDir, 'dev-keys.json'));
  const [origin, edge, intake, stepUp, originMetrics, edgeMetrics, intakeMetrics] = await Promise.all(
    Array.from({ length: 7 }, () => freePort()),
  );
  const ports = { origin: origin!, edge: edge!, intake: intake!, stepUp: stepUp! };
  const metricsPorts = { origin: originMetrics!, edge: edgeMetrics!, intake: intakeMetrics! };
  const started = await Promise.allSettled([
    startOrigin(runDir, endpoints, keys, ports.origin, metricsPorts.origin),
    startEdge(runDir, endpoints, keys, { ...ports, metrics: metricsPorts.edge }, generousLimits),
    startIntakeApi(runDir, endpoints, keys, ports.intake, metricsPorts.intake),
    startStepup(runDir, endpoints, keys, { stepUp: ports.stepUp, edge: ports.edge }),
  ]);
  const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => {
    await Promise.allSettled(running.map((c: RunningComponent) => c.stop()));
  };
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const [o, e, i, s] = running as [RunningComponent, RunningComponent, RunningComponent, RunningComponent];
  return {
    urls: {
      origin: `http://127.0.0.1:${ports.origin}`,
      edge: `http://127.0.0.1:${ports.edge}`,
      intake: `http://127.0.0.1:${ports.intake}`,
      stepUp: `http://127.0.0.1:${ports.stepUp}`,
    },
    metricsPorts,
    logs: { origin: o.logFile, edge: e.logFile, intake: i.logFile, stepUp: s.logFile },
    keys,
    stop,
  };
}

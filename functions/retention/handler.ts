/**
 * Scheduled retention sweep (EventBridge rule in infra/cdk): tombstones expired entities of every tenant, skipping
 * legal holds, and audits each batch. A thin handler: the sweep itself is functions/core/retention.
 */
import { resolveSecretEnv } from '../core/config/secrets.js';
import { type SweepReport, sweep } from '../core/retention/sweep.js';
import { registerTracing, tracedInvocation } from '../core/telemetry/tracing.js';
import { loadSweepConfig } from './config.js';
import { createSweepRuntime } from './runtime.js';

// Built once per container; a bad configuration fails the cold start with the variable's name.
const runtime = resolveSecretEnv().then(() => createSweepRuntime(loadSweepConfig()));

/** The scheduled event carries nothing the sweep needs; the report goes to the logs and back to the caller. */
export const handler = tracedInvocation(registerTracing('graphgate-retention'), 'retention.sweep', sweepAll);

async function sweepAll(): Promise<Pick<SweepReport, 'now' | 'revision'> & { tenants: number; tombstoned: number }> {
  const { deps } = await runtime;
  const report = await sweep(deps);
  for (const t of report.tenants)
    console.log(JSON.stringify({ msg: 'retention sweep', revision: report.revision, ...t }));
  return {
    now: report.now,
    revision: report.revision,
    tenants: report.tenants.length,
    tombstoned: report.tenants.reduce((n, t) => n + t.tombstoned, 0),
  };
}

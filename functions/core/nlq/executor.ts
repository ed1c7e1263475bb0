/**
 * Runs guarded plans against Neo4j: a READ session (the cluster routes it to a reader and refuses writes), a
 * transaction timeout, and the row bound enforced again while reading. `explain` asks Neo4j itself what a plan is:
 * it must be a read-only query (`queryType` r) whose operators include no write.
 */
import neo4j, { type Driver } from 'neo4j-driver';
import type { GuardedPlan } from './guard.js';

/** The port the NLQ service runs plans through (Neo4j here; a recording fake in unit tests). */
export interface PlanExecutor {
  run(plan: GuardedPlan, params: Record<string, unknown>, options: RunOptions): Promise<Record<string, unknown>[]>;
  explain(plan: GuardedPlan, params: Record<string, unknown>): Promise<ExplainResult>;
}

export interface RunOptions {
  timeoutMs: number;
  maxRows: number;
}

export interface ExplainResult {
  readOnly: boolean;
  /** Why not, when it is not (operator names a person can look up). */
  reason?: string;
}

/** Operators that write or leave the graph (Neo4j names them Create…, SetProperty, ProcedureCall, LoadCSV, …). */
const writeOperator =
  /^(Create|Merge|Delete|DetachDelete|Set|Remove|Foreach|LoadCSV|ProcedureCall|EmptyResult|Transaction)/i;

function operators(plan: { operatorType: string; children: unknown[] } | false | undefined): string[] {
  if (!plan) return [];
  const kids = plan.children as { operatorType: string; children: unknown[] }[];
  return [plan.operatorType, ...kids.flatMap((c) => operators(c))];
}

/** The Neo4j executor. */
export function neo4jPlanExecutor(driver: Driver, database?: string): PlanExecutor {
  const session = () => driver.session({ defaultAccessMode: neo4j.session.READ, ...(database ? { database } : {}) });
  return {
    async run(plan, params, options) {
      const s = session();
      try {
        return await s.executeRead(
          async (tx) => {
            const result = await tx.run(plan.cypher, params);
            return result.records.slice(0, options.maxRows).map((r) => r.toObject());
          },
          { timeout: options.timeoutMs },
        );
      } finally {
        await s.close();
      }
    },
    async explain(plan, params) {
      const s = session();
      try {
        const summary = await s.executeRead(async (tx) => (await tx.run(`EXPLAIN ${plan.cypher}`, params)).summary);
        const ops = operators(summary.plan as never);
        const bad = ops.find((o) => writeOperator.test(o.replace(/@.*$/, '')));
        if (summary.queryType !== 'r') return { readOnly: false, reason: `query type ${summary.queryType}` };
        return bad ? { readOnly: false, reason: `operator ${bad}` } : { readOnly: true };
      } finally {
        await s.close();
      }
    },
  };
}

/**
 * The `exportEntities` resolver: reads the selection in the caller's tenant, runs the export pipeline (policy per
 * record, redaction, k-anonymity, decision logs in the audit ledger) and shapes the report for GraphQL.
 */
import { z } from 'zod';
import { ExportAuditUnavailableError } from '../core/export/errors.js';
import { type ExportOutcome, runExport } from '../core/export/pipeline.js';
import { InvalidInputError } from '../core/graph/errors.js';
import type { EntityKind } from '../core/graph/types.js';
import type { CallerAttributes } from '../core/policy/index.js';
import type { OriginContext } from './context.js';
import { visibleClasses } from './visibility.js';

/** GraphQL arguments of `Query.exportEntities`. */
export interface ExportArgs {
  selection: { ids?: string[] | null; kinds?: EntityKind[] | null };
  purpose: string;
  audience: 'INTERNAL' | 'PARTNER' | 'PUBLIC';
  kind: 'BULK' | 'NLQ';
  quasiIdentifiers?: string[] | null;
  k?: number | null;
  onDeny: 'REFUSE' | 'DROP';
  limit: number;
}

const nameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_-]*$/, 'use lowercase letters, digits, _ and -');
const argsSchema = z.object({
  purpose: nameSchema,
  quasiIdentifiers: z.array(nameSchema).max(10).nullish(),
  // The policy raises k to its floor anyway; the cap only keeps a typo from suppressing everything.
  k: z.int().min(1).max(1000).nullish(),
});

/** Picks exactly one selector; the repository validates the ids, kinds and limit themselves. */
function selectionOf(args: ExportArgs) {
  const { ids, kinds } = args.selection;
  if ((ids == null) === (kinds == null)) {
    throw new InvalidInputError('selection must name exactly one of ids or kinds');
  }
  return ids != null ? { ids } : { kinds: kinds! };
}

/** Resolves `Query.exportEntities`. */
export async function exportEntities(_: unknown, args: ExportArgs, ctx: OriginContext) {
  const parsed = argsSchema.safeParse(args);
  if (!parsed.success) throw new InvalidInputError(`invalid export arguments: ${z.prettifyError(parsed.error)}`);
  const selection = selectionOf(args);
  // Fail closed before reading anything: an export whose decisions cannot be logged must not run.
  if (!ctx.ledger) throw new ExportAuditUnavailableError();
  // Only the caller's classes are read: an entity it may not see is neither exported nor named in a refusal.
  const query = { selection, limit: args.limit, dataClasses: visibleClasses(ctx) };
  const entities = await ctx.repo.exportEntities(ctx.tenant, query, ctx.readOptions);
  const { rows, report } = await runExport(
    { engine: ctx.policy, ledger: ctx.ledger },
    {
      tenant: ctx.tenant,
      actor: ctx.subject,
      caller: ctx.claims.attributes as CallerAttributes,
      purpose: args.purpose,
      audience: args.audience.toLowerCase() as 'internal' | 'partner' | 'public',
      kind: args.kind === 'NLQ' ? 'nlq' : 'bulk',
      ...(args.k == null ? {} : { k: args.k }),
      ...(args.quasiIdentifiers == null ? {} : { quasiIdentifiers: args.quasiIdentifiers }),
      onDeny: args.onDeny === 'DROP' ? 'drop' : 'refuse',
    },
    entities,
  );
  return { rows, report: shapeReport(report) };
}

/** An export report as the GraphQL `ExportReport` type reads it (shared with `nlq`). */
export function shapeReport(report: ExportOutcome['report']) {
  const k = report.kanonymity;
  return {
    ...report,
    kanonymity: {
      required: k.required,
      k: k.k,
      level: k.level,
      maxLevel: k.max_level,
      generalised: k.generalised,
      groups: k.groups,
      suppressedGroups: k.suppressed_groups,
      suppressedRows: k.suppressed_rows,
      reasons: k.reasons,
    },
  };
}

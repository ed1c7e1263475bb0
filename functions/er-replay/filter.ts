/**
 * The `--filter` language of replay: clauses joined by `,` (all must hold), each `field=value`, `field!=value` or
 * `field~regex`. Fields: `code` (stored failure reason), `tenant`, `eventId`, `kind`, `system` (source system). A field
 * a message does not have (an unparseable body has no tenant) is the empty string.
 *
 * @example
 * parseFilter('code=KIND_NOT_ENABLED,tenant=acme')
 * parseFilter('code!=CONFLICTING_PAYLOAD,system~^crm-')
 */
import { ReplayError } from './errors.js';

export const filterFields = ['code', 'tenant', 'eventId', 'kind', 'system'] as const;
export type FilterField = (typeof filterFields)[number];
export type MessageFacts = Record<FilterField, string>;
export type MessagePredicate = (facts: MessageFacts) => boolean;

/** Parses a filter expression into a predicate; INVALID_FILTER names the bad clause. */
export function parseFilter(expr: string): MessagePredicate {
  const clauses = expr
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .map((clause) => {
      const m = /^([A-Za-z]+)\s*(!=|=|~)\s*(.*)$/.exec(clause);
      if (!m)
        throw new ReplayError(
          'INVALID_FILTER',
          `filter clause "${clause}" must look like field=value, field!=value or field~regex`,
        );
      const [, field, op, value] = m as unknown as [string, string, '=' | '!=' | '~', string];
      if (!(filterFields as readonly string[]).includes(field)) {
        throw new ReplayError(
          'INVALID_FILTER',
          `unknown filter field "${field}"; use one of ${filterFields.join(', ')}`,
        );
      }
      const f = field as FilterField;
      if (op === '~') {
        let re: RegExp;
        try {
          re = new RegExp(value);
        } catch {
          throw new ReplayError('INVALID_FILTER', `"${value}" is not a valid regular expression`);
        }
        return (facts: MessageFacts) => re.test(facts[f]);
      }
      return op === '=' ? (facts: MessageFacts) => facts[f] === value : (facts: MessageFacts) => facts[f] !== value;
    });
  if (clauses.length === 0) throw new ReplayError('INVALID_FILTER', 'empty filter');
  return (facts) => clauses.every((c) => c(facts));
}

/** The facts of a DLQ message: from its body (if it parses) and its stored failure reason. */
export function factsOf(body: string, code: string | null): MessageFacts {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    // An unparseable body still has a code (INVALID_EVENT) to filter on.
  }
  const record = (parsed.record ?? {}) as { kind?: unknown; source?: { system?: unknown } };
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    code: code ?? '',
    tenant: str(parsed.tenant),
    eventId: str(parsed.eventId),
    kind: str(record.kind),
    system: str(record.source?.system),
  };
}

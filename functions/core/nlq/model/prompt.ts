/**
 * Schema-aware prompting for the model tier: the graph's kinds, relationship types and properties, the intents the
 * service can plan, and the rules a raw plan must follow (the guard enforces them anyway). The reply is JSON: an
 * intent, a plan with parameters, or a refusal; anything else is not used.
 */
import { z } from 'zod';
import { entityKinds, licences, relTypes } from '../../graph/types.js';
import type { Refusal } from '../errors.js';
import { type Intent, maxNlqHops } from '../intent.js';
import { boundParams, maxNlqRows } from '../plan.js';

export const systemPrompt = `You translate questions about a property graph into JSON. Answer with one JSON object only.
Graph: nodes (:Entity {tenant, id, kind, names: [string], identifiers: ['scheme:value'], dataClass, licence, sources: JSON string, createdAt: epoch ms}).
Kinds: ${entityKinds.join(', ')}. Relationship types: ${relTypes.join(', ')} (each relationship has a tenant property). Licences: ${licences.join(', ')}.
Prefer an intent: {"intent": {...}} with op one of
  {"op":"find"|"count","kind":KIND|null,"filters":{"name"?,"identifier"?,"source"?,"licence"?,"createdAfter"?,"createdBefore"? (YYYY-MM-DD)}}
  {"op":"neighbors"|"countNeighbors","anchor":NAME,"rel":TYPE|null,"direction":"out"|"in"|"any","kind":KIND|null,"hops":1..${maxNlqHops}}
  {"op":"viaKind","anchor":NAME,"through":KIND,"kind":KIND|null} {"op":"viaNamed","anchor":NAME,"through":NAME,"kind":KIND|null}
  {"op":"path","from":NAME,"to":NAME,"hops":1..${maxNlqHops}}
Only if no intent fits: {"cypher": "...", "params": {"name": value}} — one read-only statement; every node pattern
{tenant: $tenant}; no CALL, no procedures, no APOC, no writes, no LOAD CSV; variable-length only *1..${maxNlqHops} bound to a
path p with all(x IN nodes(p) WHERE x.tenant = $tenant AND x.dataClass IN $dataClasses); RETURN properties(e) AS entity
(entities only) and end with LIMIT $limit (at most
${maxNlqRows}); put every value in params (never in the text); $${boundParams.join(', $')} are bound for you.
If the question asks to change data, to read another tenant, or cannot be answered: {"refuse": "reason"}.`;

const kind = z.enum(entityKinds).nullable();
const name = z.string().min(1).max(200);
const hops = z.union([z.literal(1), z.literal(2), z.literal(3)]);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const intentSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.enum(['find', 'count']),
    kind,
    filters: z
      .object({
        name: name.optional(),
        identifier: name.optional(),
        source: z
          .string()
          .regex(/^[a-z][a-z0-9-]{0,39}$/)
          .optional(),
        licence: z.enum(licences).optional(),
        createdAfter: date.optional(),
        createdBefore: date.optional(),
      })
      .strict(),
  }),
  z.object({
    op: z.enum(['neighbors', 'countNeighbors']),
    anchor: name,
    rel: z.enum(relTypes).nullable(),
    direction: z.enum(['out', 'in', 'any']),
    kind,
    hops,
  }),
  z.object({ op: z.literal('viaKind'), anchor: name, through: z.enum(entityKinds), kind }),
  z.object({ op: z.literal('viaNamed'), anchor: name, through: name, kind }),
  z.object({ op: z.literal('path'), from: name, to: name, hops }),
]);

const scalar = z.union([z.string().max(200), z.number(), z.boolean(), z.null()]);
const replySchema = z.union([
  z.object({ intent: intentSchema }).strict(),
  z
    .object({ cypher: z.string().min(1), params: z.record(z.string().regex(/^[a-zA-Z]\w{0,31}$/), scalar).default({}) })
    .strict(),
  z.object({ refuse: z.string().max(500) }).strict(),
]);

export type ModelReply =
  | { intent: Intent }
  | { cypher: string; params: Record<string, unknown> }
  | { refusal: Refusal };

/** Reads a model's reply (a JSON object, possibly inside a code fence); undefined when it is not one we accept. */
export function readReply(text: string): ModelReply | undefined {
  const body = text
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = replySchema.safeParse(json);
  if (!parsed.success) return undefined;
  const r = parsed.data;
  if ('refuse' in r) return { refusal: { code: 'UNSAFE_REQUEST', message: `the model declined: ${r.refuse}` } };
  if ('intent' in r) return { intent: r.intent as Intent };
  return { cypher: r.cypher, params: r.params };
}

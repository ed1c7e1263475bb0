/** Every case of the hostile corpus, built for one seeded world. */
import { authorisationCases } from './cases/authorisation.js';
import { bodyCases } from './cases/bodies.js';
import { headerCases } from './cases/headers.js';
import { intakeCases } from './cases/intake.js';
import { jwtCases } from './cases/jwt.js';
import { persistedQueryCases } from './cases/persisted-query.js';
import { stepUpCases } from './cases/step-up.js';
import type { Case, CorpusContext } from './types.js';

/** The corpus; throws if two cases share an id or a `sameAnswerAs` names no case. */
export function buildCorpus(ctx: CorpusContext, audience: string): Case[] {
  const cases = [
    ...jwtCases(ctx, audience),
    ...persistedQueryCases(ctx),
    ...headerCases(ctx),
    ...bodyCases(ctx),
    ...stepUpCases(ctx),
    ...intakeCases(ctx),
    ...authorisationCases(ctx),
  ];
  const ids = new Set<string>();
  for (const c of cases) {
    if (ids.has(c.id)) throw new Error(`corpus: duplicate case id ${c.id}`);
    ids.add(c.id);
  }
  for (const c of cases) {
    if (c.sameAnswerAs && !ids.has(c.sameAnswerAs))
      throw new Error(`corpus: ${c.id} compares with unknown ${c.sameAnswerAs}`);
  }
  return cases;
}

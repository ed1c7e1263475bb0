/**
 * What a caller may see inside its tenant: the one filter reads, mutation results and write guards share. An entity
 * whose data class is outside the caller's scope is answered exactly as a missing one.
 */
import { NotFoundError } from '../core/graph/errors.js';
import { type DataClass, dataClasses, type Entity, policyClass } from '../core/graph/types.js';
import type { CallerScope } from './context.js';

type Scoped = { scope: Pick<CallerScope, 'classes'> };

/** May the caller see entities of this class? */
export const visibleClass = (ctx: Scoped, dataClass: DataClass): boolean =>
  ctx.scope.classes.includes(policyClass(dataClass));

/** Every data class the caller may see (what an export may read). */
export const visibleClasses = (ctx: Scoped): DataClass[] => dataClasses.filter((c) => visibleClass(ctx, c));

/** Entities whose data class is outside the caller's scope are invisible, as if they did not exist. */
export const visible = <E extends Pick<Entity, 'dataClass'>>(ctx: Scoped, e: E | null | undefined): e is E =>
  !!e && visibleClass(ctx, e.dataClass);

/** A write's resulting entity, or NOT_FOUND (as for a missing one) when the caller may not see it. */
export function shown(ctx: Scoped, e: Entity): Entity {
  if (!visibleClass(ctx, e.dataClass)) throw new NotFoundError('entity', e.id);
  return e;
}

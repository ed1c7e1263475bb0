import { randomUUID } from 'node:crypto';
import type {
  DataClass,
  Entity,
  EntityInput,
  ExportEntity,
  ExportSelection,
  GraphRepository,
  LinkInput,
  MergeResult,
  ReclassifyInput,
  ReclassifyResult,
  Relationship,
  UnmergeResult,
  WriteGuard,
  WriteResult,
} from '../../core/graph/types.js';

/**
 * In-memory graph for unit tests of origin logic (scope filtering, error mapping, persisted operations). It keeps
 * tenants apart the same way the real adapter must; integration tests use real Neo4j.
 */
export class MemoryGraph implements GraphRepository {
  private entities = new Map<string, Entity>();
  private rels: (Relationship & { tenant: string })[] = [];
  /** Test hook: the next call throws this error. */
  failNext: Error | undefined;

  private key = (tenant: string, id: string) => `${tenant}\u0000${id}`;
  private check() {
    const e = this.failNext;
    this.failNext = undefined;
    if (e) throw e;
  }
  private write<T>(value: T, touched: string[]): WriteResult<T> {
    return { value, touched, bookmarks: [`mem:${randomUUID()}`] };
  }

  async getEntity(tenant: string, id: string) {
    this.check();
    return this.entities.get(this.key(tenant, id)) ?? null;
  }
  async neighbors(tenant: string, q: { id: string; hops: number; limit: number }) {
    this.check();
    const center = this.entities.get(this.key(tenant, q.id));
    if (!center) return null;
    const relationships = this.rels.filter((r) => r.tenant === tenant && (r.from === q.id || r.to === q.id));
    const ids = new Set(relationships.flatMap((r) => [r.from, r.to]).filter((id) => id !== q.id));
    const entities = [...ids].map((id) => this.entities.get(this.key(tenant, id))).filter((e): e is Entity => !!e);
    return { center, entities: entities.slice(0, q.limit), relationships, hops: q.hops };
  }
  async search(tenant: string, q: { text: string; limit: number }) {
    this.check();
    const needle = q.text.toLowerCase();
    return [...this.entities.entries()]
      .filter(([k, e]) => k.startsWith(`${tenant}\u0000`) && e.names.some((n) => n.toLowerCase().includes(needle)))
      .slice(0, q.limit)
      .map(([, entity]) => ({ entity, score: 1 }));
  }
  async path() {
    this.check();
    return null;
  }
  async upsertEntity(tenant: string, input: EntityInput, guard?: WriteGuard, at = Date.now()) {
    this.check();
    const now = new Date(at).toISOString();
    const id = input.id ?? randomUUID();
    const prior = this.entities.get(this.key(tenant, id));
    guard?.authorize('upsert', [{ id, current: prior?.dataClass ?? null, next: input.dataClass }]);
    const entity: Entity = {
      id,
      kind: input.kind,
      names: input.names,
      attributes: input.attributes ?? {},
      dataClass: input.dataClass,
      licence: input.licence,
      sources: input.sources ?? [],
      createdAt: prior?.createdAt ?? now,
      updatedAt: now,
    };
    this.entities.set(this.key(tenant, id), entity);
    return this.write(entity, [id]);
  }
  async linkEntities(tenant: string, input: LinkInput) {
    this.check();
    const rel = {
      tenant,
      id: randomUUID(),
      type: input.type,
      from: input.from,
      to: input.to,
      properties: input.properties ?? {},
      confidence: input.confidence ?? null,
      since: input.since ?? null,
      createdAt: new Date().toISOString(),
    };
    this.rels.push(rel);
    const { tenant: _t, ...value } = rel;
    return this.write<Relationship>(value, [input.from, input.to]);
  }
  async mergeEntity(
    tenant: string,
    input: { survivorId: string; mergedId: string },
  ): Promise<WriteResult<MergeResult>> {
    this.check();
    const survivor = this.entities.get(this.key(tenant, input.survivorId));
    if (!survivor) throw Object.assign(new Error('survivor not found'), { code: 'NOT_FOUND' });
    this.entities.delete(this.key(tenant, input.mergedId));
    return this.write({ mergeId: randomUUID(), survivor, mergedId: input.mergedId, movedRelationships: 0 }, [
      input.survivorId,
      input.mergedId,
    ]);
  }
  async unmergeEntity(_tenant: string, input: { mergeId: string }): Promise<WriteResult<UnmergeResult>> {
    this.check();
    return this.write({ mergeId: input.mergeId, restored: [], restoredRelationships: 0 }, []);
  }
  async reclassifyEntity(
    tenant: string,
    input: ReclassifyInput,
    guard?: WriteGuard,
  ): Promise<WriteResult<ReclassifyResult>> {
    this.check();
    const prior = this.entities.get(this.key(tenant, input.id));
    if (!prior || (guard && !guard.visible(prior.dataClass))) {
      throw Object.assign(new Error(`entity ${input.id} does not exist`), { code: 'NOT_FOUND' });
    }
    guard?.authorize('reclassify', [{ id: input.id, current: prior.dataClass, next: input.dataClass }]);
    const entity = { ...prior, dataClass: input.dataClass, updatedAt: new Date().toISOString() };
    this.entities.set(this.key(tenant, input.id), entity);
    return this.write({ entity, from: prior.dataClass, to: input.dataClass }, [input.id]);
  }
  async exportEntities(
    tenant: string,
    q: { selection: ExportSelection; limit: number; dataClasses: readonly DataClass[] },
  ): Promise<ExportEntity[]> {
    this.check();
    const { ids, kinds } = q.selection;
    return [...this.entities.entries()]
      .filter(([k, e]) => k.startsWith(`${tenant}\u0000`) && (ids ? ids.includes(e.id) : kinds.includes(e.kind)))
      .filter(([, e]) => q.dataClasses.includes(e.dataClass))
      .map(([, e]) => ({ ...e, purposes: [], legalHold: false }))
      .slice(0, q.limit);
  }
}

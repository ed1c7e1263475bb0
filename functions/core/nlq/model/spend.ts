/**
 * Per-tenant daily LLM spend: a port with an Upstash adapter (one counter per tenant and UTC day, expiring after two
 * days) and an in-memory one for unit tests. The model tier checks the cap before a call and adds the metered cost
 * after it.
 */
import type { Redis } from '@upstash/redis';

export interface SpendLedger {
  /** USD spent by the tenant on the UTC day of `now`. */
  spent(tenant: string, now: Date): Promise<number>;
  add(tenant: string, usd: number, now: Date): Promise<void>;
}

const day = (now: Date) => now.toISOString().slice(0, 10);
export const spendKey = (tenant: string, now: Date) => `gg:nlq:v1:${tenant}:llm-spend:${day(now)}`;

export function memorySpendLedger(): SpendLedger {
  const totals = new Map<string, number>();
  return {
    async spent(tenant, now) {
      return totals.get(spendKey(tenant, now)) ?? 0;
    },
    async add(tenant, usd, now) {
      const key = spendKey(tenant, now);
      totals.set(key, (totals.get(key) ?? 0) + usd);
    },
  };
}

export function upstashSpendLedger(redis: Pick<Redis, 'get' | 'multi'>): SpendLedger {
  return {
    async spent(tenant, now) {
      const v = await redis.get<number | string>(spendKey(tenant, now));
      return v === null ? 0 : Number(v);
    },
    async add(tenant, usd, now) {
      const tx = redis.multi();
      tx.incrbyfloat(spendKey(tenant, now), usd);
      tx.expire(spendKey(tenant, now), 2 * 86_400);
      await tx.exec();
    },
  };
}

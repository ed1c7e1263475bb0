/**
 * Freeze windows in UTC from config: recurring weekly windows (days + time of day) and one-off date ranges. A deploy
 * inside any window is refused unless a signed override covers it.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const hhmm = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/);

const windowSchema = z.union([
  z.object({
    name: z.string(),
    reason: z.string(),
    recurring: z.object({ days: z.array(z.enum(DAYS)).min(1), from: hhmm, to: hhmm }),
  }),
  z.object({
    name: z.string(),
    reason: z.string(),
    oneOff: z.object({ from: z.iso.datetime(), until: z.iso.datetime() }),
  }),
]);

export const releaseRulesSchema = z.object({
  freezes: z.array(windowSchema),
  /** A deploy is refused when less than this fraction of the month's API error budget is left. */
  errorBudget: z.object({ slo: z.string(), minRemaining: z.number().min(0).max(1) }),
});
export type ReleaseRules = z.infer<typeof releaseRulesSchema>;
export type FreezeWindow = z.infer<typeof windowSchema>;

export const loadReleaseRules = (path: string): ReleaseRules =>
  releaseRulesSchema.parse(JSON.parse(readFileSync(path, 'utf8')));

const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));

/**
 * The window `now` falls in, with when the freeze ends (UTC; back-to-back windows such as Saturday then Sunday are
 * followed to the end of the last), or undefined.
 */
export function activeFreeze(rules: ReleaseRules, now: Date): { window: FreezeWindow; endsAt: string } | undefined {
  const first = windowAt(rules, now);
  if (!first) return undefined;
  let endsAt = first.endsAt;
  for (let i = 0; i < 60; i++) {
    const next = windowAt(rules, new Date(endsAt));
    if (!next || next.endsAt <= endsAt) break;
    endsAt = next.endsAt;
  }
  return { window: first.window, endsAt };
}

function windowAt(rules: ReleaseRules, now: Date): { window: FreezeWindow; endsAt: string } | undefined {
  for (const window of rules.freezes) {
    if ('oneOff' in window) {
      const from = Date.parse(window.oneOff.from);
      const until = Date.parse(window.oneOff.until);
      if (now.getTime() >= from && now.getTime() < until) return { window, endsAt: new Date(until).toISOString() };
      continue;
    }
    const { days, from, to } = window.recurring;
    const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
    if (days.includes(DAYS[now.getUTCDay()]!) && minute >= minutes(from) && minute < minutes(to)) {
      const end = new Date(now);
      end.setUTCHours(0, minutes(to), 0, 0);
      return { window, endsAt: end.toISOString() };
    }
  }
  return undefined;
}

/**
 * Timestamps as the API serves them: ISO-8601 UTC with milliseconds (`YYYY-MM-DDTHH:mm:ss.sssZ`, what
 * `Date#toISOString` writes). A large neighbourhood formats and then checks a thousand of them per request, and
 * `new Date(ms).toISOString()` (about 1 µs each) and a regular-expression check (about 0.3 µs) were among the origin's
 * largest own costs (issue 18, load/profile-graph-origin.ts): both are done here with integer arithmetic instead.
 */

const dayMs = 86_400_000;
/** The last instant `toISOString` writes with a four-digit year (9999-12-31T23:59:59.999Z). */
const maxFourDigitYearMs = 253_402_300_799_999;

const twoDigits = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const threeDigits = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** `YYYY-MM-DDT` per day number: timestamps of one answer fall on few days, and the calendar is the costly part. */
const dayPrefixes = new Map<number, string>();
const maxDayPrefixes = 4096;

function dayPrefix(day: number): string {
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * dayMs).toISOString().slice(0, 11);
    // A bounded memo: past the bound it starts again rather than growing with every day ever formatted.
    if (dayPrefixes.size >= maxDayPrefixes) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  return prefix;
}

/**
 * Epoch ms as `Date#toISOString` writes it, byte for byte. Integers in 1970..9999 take the fast path; anything else
 * (negative, fractional, a six-digit year, out of range) is handed to `Date`, which also throws where it throws.
 *
 * @example isoUtc(0) // '1970-01-01T00:00:00.000Z'
 */
export function isoUtc(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > maxFourDigitYearMs) return new Date(ms).toISOString();
  const day = Math.floor(ms / dayMs);
  let rest = ms - day * dayMs;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  return `${dayPrefix(day)}${twoDigits[hour]}:${twoDigits[minute]}:${twoDigits[second]}.${threeDigits[milli]}Z`;
}

const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const [zero, dash, colon, dot, upperT, upperZ] = ['0', '-', ':', '.', 'T', 'Z'].map((c) => c.charCodeAt(0)) as [
  number,
  number,
  number,
  number,
  number,
  number,
];

/** The digits of `s` from `start` to `end` as a number, or -1 when one of them is not a digit. */
function digits(s: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - zero;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Whether `value` is already the form {@link isoUtc} writes (four-digit year, time fields in range, a real calendar
 * date): then parsing and re-formatting it would give it back unchanged.
 */
export function isCanonicalUtc(value: string): boolean {
  // No helper closure here: under tsx (keepNames) every closure created is also renamed, per call.
  if (value.length !== 24 || value.charCodeAt(4) !== dash || value.charCodeAt(7) !== dash) return false;
  if (value.charCodeAt(10) !== upperT || value.charCodeAt(13) !== colon || value.charCodeAt(16) !== colon) return false;
  if (value.charCodeAt(19) !== dot || value.charCodeAt(23) !== upperZ) return false;
  // Separate constants, not destructured arrays: this runs per timestamp field of a response.
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 7);
  const day = digits(value, 8, 10);
  const hour = digits(value, 11, 13);
  const minute = digits(value, 14, 16);
  const second = digits(value, 17, 19);
  if (year < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  if (digits(value, 20, 23) < 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= daysInMonth[month - 1]! + (month === 2 && leap ? 1 : 0);
}

import type { Weekday, WeeklyHours } from '../../../db/schema';

/** Opening hours: validation, the compact text form of the CSV import, and "open now" (pure). */

export type { Weekday, WeeklyHours };
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const DAY_LABEL: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };
/** "09:00" … "23:59" opens; "24:00" may close a day (open until midnight). */
export const OPENS = /^([01]\d|2[0-3]):[0-5]\d$/;
export const CLOSES = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const ALL_DAY = { opens: '00:00', closes: '24:00' };

export type HoursParse = { ok: true; hours: WeeklyHours | null } | { ok: false; message: string };

/**
 * Why `hours` is not a usable week, or null when it is: every interval opens before it closes (an
 * overnight opening is written as two intervals, one each side of midnight) and a day's intervals do
 * not overlap. Times compare as zero-padded text.
 */
export function weeklyHoursProblem(hours: WeeklyHours): string | null {
  for (const day of WEEKDAYS) {
    const intervals = [...(hours[day] ?? [])].sort((a, b) => a.opens.localeCompare(b.opens));
    for (const [i, { opens, closes }] of intervals.entries()) {
      if (!OPENS.test(opens) || !CLOSES.test(closes))
        return `${DAY_LABEL[day]}: times must be HH:MM (24-hour clock, closing at most 24:00)`;
      if (closes <= opens) return `${DAY_LABEL[day]} ${opens}-${closes}: closes before it opens (split an overnight opening at midnight)`;
      if (i > 0 && intervals[i - 1].closes > opens) return `${DAY_LABEL[day]}: intervals overlap`;
    }
  }
  return null;
}

/** The same week in one canonical shape: days in order, each day's intervals in order, closed days left out. */
export function normalizeHours(hours: WeeklyHours): WeeklyHours {
  const out: WeeklyHours = {};
  for (const day of WEEKDAYS) {
    const intervals = hours[day];
    if (intervals?.length)
      out[day] = intervals.map(({ opens, closes }) => ({ opens, closes })).sort((a, b) => a.opens.localeCompare(b.opens));
  }
  return out;
}

/** JSON text of a week in canonical shape (null stays null): what is stored, and what edits compare. */
export const hoursJson = (hours: WeeklyHours | null): string | null => (hours ? JSON.stringify(normalizeHours(hours)) : null);

/** Index of a three-letter day name in any case ("Mon", "mon"), or -1. */
const dayIndex = (token: string): number => WEEKDAYS.indexOf(token.trim().toLowerCase() as Weekday);

/** "Mon", "mon-fri", "Fri-Mon" (wrapping over the weekend) → weekdays, or null when not a day or range. */
function parseDays(spec: string): Weekday[] | null {
  const days: Weekday[] = [];
  for (const part of spec.split(',')) {
    const [from, to, extra] = part.split('-');
    if (extra !== undefined) return null;
    const a = dayIndex(from);
    const b = to === undefined ? a : dayIndex(to);
    if (a < 0 || b < 0) return null;
    for (let i = a; ; i = (i + 1) % 7) {
      days.push(WEEKDAYS[i]);
      if (i === b) break;
    }
  }
  return days;
}

/** "09:00-17:00,18:00-21:00" or "closed" → intervals, or null when malformed. */
function parseIntervals(spec: string): Array<{ opens: string; closes: string }> | null {
  if (/^closed$/i.test(spec)) return [];
  const intervals = [];
  for (const part of spec.split(',')) {
    const match = /^\s*(\d\d:\d\d)\s*-\s*(\d\d:\d\d)\s*$/.exec(part);
    if (!match) return null;
    intervals.push({ opens: match[1], closes: match[2] });
  }
  return intervals;
}

/**
 * Parses the compact text of the CSV import: `Mon-Fri 09:00-17:00; Sat 10:00-16:00; Sun closed`, several
 * intervals with commas (`Mon 09:00-12:00,13:00-17:00`), `24/7` for always open. Empty text means the
 * hours are not known (null). Days not named are closed.
 */
export function parseHoursText(text: string): HoursParse {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, hours: null };
  if (/^24\/7$/.test(trimmed)) return { ok: true, hours: Object.fromEntries(WEEKDAYS.map((d) => [d, [ALL_DAY]])) };
  const hours: WeeklyHours = {};
  for (const entry of trimmed
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^(\S+)\s+(.+)$/.exec(entry);
    if (!match) return { ok: false, message: `"${entry}" is not "<days> <HH:MM-HH:MM>" (e.g. "Mon-Fri 09:00-17:00")` };
    const days = parseDays(match[1]);
    if (!days) return { ok: false, message: `"${match[1]}" is not a day or day range (Mon, Tue, Wed, Thu, Fri, Sat, Sun)` };
    const intervals = parseIntervals(match[2].trim());
    if (!intervals) return { ok: false, message: `"${match[2].trim()}" is not HH:MM-HH:MM (several separated by commas) or "closed"` };
    for (const day of days) hours[day] = [...(hours[day] ?? []), ...intervals];
  }
  const problem = weeklyHoursProblem(hours);
  return problem ? { ok: false, message: problem } : { ok: true, hours: normalizeHours(hours) };
}

/** The compact text form of a week (the inverse of `parseHoursText`, consecutive equal days grouped). */
export function formatHoursText(hours: WeeklyHours | null): string {
  if (!hours) return '';
  const text = (day: Weekday) => (hours[day]?.length ? hours[day].map((i) => `${i.opens}-${i.closes}`).join(',') : 'closed');
  const groups: Array<{ from: Weekday; to: Weekday; text: string }> = [];
  for (const day of WEEKDAYS) {
    const last = groups.at(-1);
    if (last && last.text === text(day)) last.to = day;
    else groups.push({ from: day, to: day, text: text(day) });
  }
  return groups
    .filter((g) => g.text !== 'closed')
    .map((g) => `${DAY_LABEL[g.from]}${g.from === g.to ? '' : `-${DAY_LABEL[g.to]}`} ${g.text}`)
    .join('; ');
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Weekday and "HH:MM" wall-clock time at `at` in `timeZone` (DST handled by the platform's tz data). */
export function localTime(at: Date, timeZone: string): { day: Weekday; time: string } {
  const parts = Object.fromEntries(
    localFormatter(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { day: parts.weekday.toLowerCase().slice(0, 3) as Weekday, time: `${parts.hour}:${parts.minute}` };
}

/** True when the week has an interval covering `at` in the zone's local time; null when hours are unknown. */
export function isOpenAt(hours: WeeklyHours | null, timeZone: string, at: Date): boolean | null {
  if (!hours) return null;
  const { day, time } = localTime(at, timeZone);
  return (hours[day] ?? []).some((i) => i.opens <= time && time < i.closes);
}

/** The canonical IANA name of `name` ("america/toronto" → "America/Toronto"), or null when unknown. */
export function canonicalTimeZone(name: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{1,63}$/.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

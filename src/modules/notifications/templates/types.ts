import type { TextKey, TextParams } from '../../../shared/jobs';

/** A rendered notification: the in-app row and the push carry title and body; SMS is `sms(body)`. */
export interface RenderedText {
  title: string;
  body: string;
}

/** Locale-aware formatting handed to every template (Intl for prices and dates, words for durations). */
export interface Formatters {
  /** Cents as the locale writes a CAD price: `$1,075.00` (en-CA), `1 075,00 $` (fr-CA). */
  price(cents: number): string;
  /** An instant as the locale writes it, in UTC (the server does not know the user's time zone). */
  dateTime(iso: string): string;
  /** A duration in words ("48 hours", « 48 heures »), in the largest whole unit. */
  duration(sec: number): string;
}

/**
 * Everything one language says. Typed against the text catalogue: a text the catalogue gains and a
 * locale lacks is a compile error, never an English string in a French notification.
 */
export interface LocaleTemplates {
  texts: { [K in TextKey]: (p: TextParams<K>, f: Formatters) => RenderedText };
  /** The SMS of a notification (the body, signed so the recipient knows who texts). */
  sms(body: string): string;
  /** The sign-in code text (SPEC §4). */
  otp(p: { code: string; minutes: number }): string;
  /** Duration words: one and many of each unit. */
  units: Record<'day' | 'hour' | 'minute' | 'second', readonly [one: string, many: string]>;
}

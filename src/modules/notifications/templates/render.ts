import { textParams, type TextKey } from '../../../shared/jobs';
import { INTL_LOCALE, type Locale } from '../../../shared/locale';
import { en } from './en';
import { fr } from './fr';
import type { Formatters, LocaleTemplates, RenderedText } from './types';

const TEMPLATES: Record<Locale, LocaleTemplates> = { en, fr };

const DURATION_UNITS = [
  ['day', 86_400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
] as const;

function formattersOf(locale: Locale): Formatters {
  const intl = INTL_LOCALE[locale];
  const money = new Intl.NumberFormat(intl, { style: 'currency', currency: 'CAD' });
  const instant = new Intl.DateTimeFormat(intl, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  const { units } = TEMPLATES[locale];
  return {
    // Cents to dollars is exact for display: Intl rounds a binary fraction like 10.75 to its 2 digits.
    price: (cents) => money.format(cents / 100),
    dateTime: (iso) => `${instant.format(new Date(iso))} UTC`,
    duration: (sec) => {
      // Days only from a week up ("48 hours" reads better than "2 days" for a payment deadline).
      const [unit, size] = DURATION_UNITS.find(([u, s]) => sec % s === 0 && sec >= s && (u !== 'day' || sec >= 7 * 86_400)) ?? ['second', 1];
      const n = sec / size;
      return `${n} ${units[unit][n === 1 ? 0 : 1]}`;
    },
  };
}

const FORMATTERS: Record<Locale, Formatters> = { en: formattersOf('en'), fr: formattersOf('fr') };

/** The formatters of a locale (prices, dates, durations). */
export const formattersFor = (locale: Locale): Formatters => FORMATTERS[locale];

/** A notification's title and body in the recipient's language. */
export function renderText(locale: Locale, text: { key: TextKey; params: Record<string, unknown> }): RenderedText {
  const template = TEMPLATES[locale].texts[text.key] as (p: unknown, f: Formatters) => RenderedText;
  return template(textParams(text.key, text.params), FORMATTERS[locale]);
}

/** The SMS that carries a notification's body. */
export const smsText = (locale: Locale, body: string): string => TEMPLATES[locale].sms(body);

/** The sign-in code SMS. */
export const otpText = (locale: Locale, code: string, ttlSec: number): string =>
  TEMPLATES[locale].otp({ code, minutes: Math.max(1, Math.ceil(ttlSec / 60)) });

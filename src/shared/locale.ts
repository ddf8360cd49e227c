/**
 * The languages Biddt speaks (a Canadian marketplace: Quebec requires French). A user's `locale` is
 * set from `Accept-Language` at sign-up and editable on the profile; every text sent to them
 * (notifications, push, SMS) comes from that locale's templates.
 */
export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** The Intl locale used to format prices and dates for each language (Canadian conventions). */
export const INTL_LOCALE: Record<Locale, string> = { en: 'en-CA', fr: 'fr-CA' };

export const isLocale = (value: unknown): value is Locale => typeof value === 'string' && (LOCALES as readonly string[]).includes(value);

/**
 * The best supported language of an `Accept-Language` header (RFC 9110 §12.5.4): the highest `q`
 * among `en`/`fr` and their regional variants (`fr-CA`), the earlier entry on a tie; English when
 * none is acceptable or the header is absent or malformed.
 */
export function localeFromAcceptLanguage(header: string | string[] | undefined): Locale {
  const raw = Array.isArray(header) ? header.join(',') : header;
  if (!raw) return DEFAULT_LOCALE;
  let best: { locale: Locale; q: number } | undefined;
  for (const part of raw.split(',')) {
    const [tag, ...params] = part.trim().split(';');
    const language = tag.trim().toLowerCase().split('-')[0];
    if (!isLocale(language)) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { locale: language, q };
  }
  return best?.locale ?? DEFAULT_LOCALE;
}

import { CATEGORY_SLUGS, METROS, pick, SEARCH_TERMS } from './catalogue';

/** One kind of browse request, and how often browsers make it (weights sum to 100). */
export interface Shape {
  name: string;
  weight: number;
  /** Query parameters for one request of this shape (random within the shape). */
  params(random: () => number): Record<string, string>;
}

/** A search point near where people live: a metro centre ± ≈ 15 km. */
function near(random: () => number): string {
  const total = METROS.reduce((s, m) => s + m[3], 0);
  let left = random() * total;
  const m = METROS.find((x) => (left -= x[3]) < 0) ?? METROS[0];
  return `${(m[0] + (random() - 0.5) * 0.27).toFixed(4)},${(m[1] + (random() - 0.5) * 0.38).toFixed(4)}`;
}

/** A price band in cents: [min, max] with max 2–10 × min. */
function band(random: () => number): { minPriceCents: string; maxPriceCents: string } {
  const min = Math.round(Math.pow(10, 1 + random() * 2.5)) * 100;
  return { minPriceCents: String(min), maxPriceCents: String(min * Math.round(2 + random() * 8)) };
}

/**
 * The request mix: the home page (ending soon), each sort, text search, category, price band, near a
 * point with a radius, and the combinations a filter panel produces. Every parameter varies per
 * request, so no two consecutive requests are likely to be identical.
 */
export const SHAPES: Shape[] = [
  { name: 'home: ending_soon', weight: 12, params: () => ({}) },
  { name: 'sort newest', weight: 6, params: () => ({ sort: 'newest' }) },
  { name: 'sort price_asc', weight: 4, params: () => ({ sort: 'price_asc' }) },
  { name: 'sort price_desc', weight: 4, params: () => ({ sort: 'price_desc' }) },
  { name: 'text q', weight: 14, params: (r) => ({ q: pick(r, SEARCH_TERMS) }) },
  { name: 'text q, newest', weight: 6, params: (r) => ({ q: pick(r, SEARCH_TERMS), sort: 'newest' }) },
  { name: 'category', weight: 10, params: (r) => ({ category: pick(r, CATEGORY_SLUGS) }) },
  { name: 'category, newest', weight: 6, params: (r) => ({ category: pick(r, CATEGORY_SLUGS), sort: 'newest' }) },
  { name: 'price band, price_asc', weight: 6, params: (r) => ({ ...band(r), sort: 'price_asc' }) },
  { name: 'near 25 km, distance', weight: 10, params: (r) => ({ near: near(r), radiusKm: '25', sort: 'distance' }) },
  { name: 'near 50 km, ending_soon', weight: 6, params: (r) => ({ near: near(r), radiusKm: '50' }) },
  { name: 'category + price + near, price_desc', weight: 6, params: (r) => ({ category: pick(r, CATEGORY_SLUGS), ...band(r), near: near(r), radiusKm: '100', sort: 'price_desc' }) },
  { name: 'text q + near 50 km, distance', weight: 6, params: (r) => ({ q: pick(r, SEARCH_TERMS), near: near(r), radiusKm: '50', sort: 'distance' }) },
  { name: 'text q + category + price', weight: 4, params: (r) => ({ q: pick(r, SEARCH_TERMS), category: pick(r, CATEGORY_SLUGS), ...band(r) }) },
];

export function pickShape(random: () => number): Shape {
  let left = random() * SHAPES.reduce((s, x) => s + x.weight, 0);
  return SHAPES.find((s) => (left -= s.weight) < 0) ?? SHAPES[0];
}

/**
 * What the browse benchmark's catalogue is made of: categories with the words real listings use,
 * Canadian metro areas weighted by size, and a seeded PRNG so every run seeds and queries the same.
 */

/** mulberry32: a seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)];

/** Metro areas (lat, lng, name, share of listings and of searches). */
export const METROS: Array<[number, number, string, number]> = [
  [43.6532, -79.3832, 'Toronto', 20],
  [45.5019, -73.5674, 'Montréal', 14],
  [49.2827, -123.1207, 'Vancouver', 10],
  [51.0447, -114.0719, 'Calgary', 6],
  [53.5461, -113.4938, 'Edmonton', 6],
  [45.4215, -75.6972, 'Ottawa', 5],
  [49.8951, -97.1384, 'Winnipeg', 4],
  [46.8139, -71.208, 'Québec', 4],
  [43.2557, -79.8711, 'Hamilton', 4],
  [43.4516, -80.4925, 'Kitchener', 3],
  [44.6488, -63.5752, 'Halifax', 3],
  [42.9849, -81.2453, 'London', 3],
  [48.4284, -123.3656, 'Victoria', 3],
  [52.1579, -106.6702, 'Saskatoon', 2],
  [50.4452, -104.6189, 'Regina', 2],
];

/** 85 % around a metro (≈ 30 km spread), 15 % anywhere in the southern band (42.5–53.5 N, 127–60 W). */
export function pointMaker(random: () => number): () => { lat: number; lng: number; name: string } {
  const total = METROS.reduce((s, m) => s + m[3], 0);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return () => {
    if (random() < 0.15) return { lat: 42.5 + random() * 11, lng: -127 + random() * 67, name: 'Rural' };
    let left = random() * total;
    const metro = METROS.find((m) => (left -= m[3]) < 0) ?? METROS[0];
    return { lat: metro[0] + gauss() * 0.27, lng: metro[1] + gauss() * 0.38, name: metro[2] };
  };
}

/** Per category: the nouns and brands its titles use, and a typical price range in dollars. */
export const CATEGORIES: Record<string, { nouns: string[]; brands: string[]; dollars: [number, number] }> = {
  electronics: { nouns: ['headphones', 'speaker', 'camera', 'tv', 'soundbar', 'drone', 'projector'], brands: ['Sony', 'Bose', 'Samsung', 'LG', 'Canon', 'Nikon', 'DJI'], dollars: [20, 2000] },
  phones: { nouns: ['iphone', 'phone', 'tablet', 'ipad', 'smartwatch'], brands: ['Apple', 'Samsung', 'Google Pixel', 'OnePlus', 'Motorola'], dollars: [50, 1500] },
  computers: { nouns: ['laptop', 'macbook', 'monitor', 'keyboard', 'desktop', 'graphics card'], brands: ['Apple', 'Dell', 'Lenovo', 'HP', 'Asus', 'Nvidia'], dollars: [30, 3000] },
  gaming: { nouns: ['console', 'controller', 'game', 'headset', 'switch'], brands: ['Nintendo', 'PlayStation', 'Xbox', 'Steam Deck', 'Razer'], dollars: [10, 800] },
  home: { nouns: ['rug', 'lamp', 'mirror', 'planter', 'bbq', 'lawn mower', 'snow blower'], brands: ['IKEA', 'Weber', 'Toro', 'Simplicity', 'Hampton Bay'], dollars: [10, 1200] },
  furniture: { nouns: ['sofa', 'couch', 'dresser', 'dining table', 'desk', 'bed frame', 'bookshelf'], brands: ['IKEA', 'Structube', 'West Elm', 'Ashley', 'EQ3'], dollars: [20, 2500] },
  appliances: { nouns: ['fridge', 'washer', 'dryer', 'microwave', 'dishwasher', 'stove'], brands: ['Whirlpool', 'Frigidaire', 'LG', 'Samsung', 'Bosch'], dollars: [50, 2500] },
  fashion: { nouns: ['jacket', 'parka', 'boots', 'handbag', 'sneakers', 'watch'], brands: ['Canada Goose', 'Arcteryx', 'Lululemon', 'Roots', 'Nike', 'Aritzia'], dollars: [10, 1500] },
  sports: { nouns: ['skis', 'snowboard', 'hockey skates', 'hockey stick', 'kayak', 'tent', 'golf clubs'], brands: ['Bauer', 'CCM', 'Burton', 'Salomon', 'MEC', 'Callaway'], dollars: [15, 1500] },
  bikes: { nouns: ['road bike', 'mountain bike', 'e-bike', 'kids bike', 'bike trailer'], brands: ['Trek', 'Specialized', 'Norco', 'Rocky Mountain', 'Giant'], dollars: [50, 5000] },
  tools: { nouns: ['drill', 'table saw', 'tool set', 'generator', 'pressure washer', 'ladder'], brands: ['DeWalt', 'Milwaukee', 'Makita', 'Ryobi', 'Mastercraft'], dollars: [15, 1500] },
  toys: { nouns: ['stroller', 'car seat', 'lego set', 'crib', 'high chair', 'doll house'], brands: ['Lego', 'Uppababy', 'Graco', 'Fisher-Price', 'Chicco'], dollars: [5, 900] },
  music: { nouns: ['guitar', 'piano', 'keyboard', 'amplifier', 'drum kit', 'violin'], brands: ['Fender', 'Gibson', 'Yamaha', 'Roland', 'Godin', 'Marshall'], dollars: [30, 4000] },
  books: { nouns: ['vinyl records', 'book collection', 'blu-ray set', 'comics', 'textbooks'], brands: ['Penguin', 'Marvel', 'Criterion', 'Harlequin', 'Pearson'], dollars: [5, 400] },
  collectibles: { nouns: ['hockey cards', 'painting', 'coins', 'stamps', 'print', 'figurine'], brands: ['Upper Deck', 'Royal Canadian Mint', 'Group of Seven', 'Funko', 'Hummel'], dollars: [5, 10000] },
  'auto-parts': { nouns: ['winter tires', 'rims', 'roof rack', 'car battery', 'dash cam'], brands: ['Michelin', 'Bridgestone', 'Thule', 'Bosch', 'Garmin'], dollars: [20, 2000] },
  other: { nouns: ['moving boxes', 'fish tank', 'sewing machine', 'bundle', 'misc lot'], brands: ['Singer', 'Tetra', 'Uline', 'Various', 'Vintage'], dollars: [5, 500] },
};

export const CATEGORY_SLUGS = Object.keys(CATEGORIES);
export const ADJECTIVES = ['vintage', 'like new', 'barely used', 'mint', 'refurbished', 'large', 'small', 'black', 'white', 'wooden', 'electric', 'classic', 'premium', 'compact'];
const PHRASES = [
  'Pick up downtown or meet at a safe zone.',
  'Works perfectly, selling because I upgraded.',
  'Smoke-free and pet-free home.',
  'Some wear on the corners, see photos.',
  'Comes with the original box and charger.',
  'Moving sale, must go this week.',
  'Barely used, still under warranty.',
  'Cash or e-transfer accepted through the app.',
  'Great for a student or a first apartment.',
  'Winter ready, stored indoors all year.',
];

/** A title and a description that read like a real listing of `slug`. */
export function listingText(random: () => number, slug: string): { title: string; description: string } {
  const c = CATEGORIES[slug];
  const title = `${pick(random, c.brands)} ${pick(random, c.nouns)} – ${pick(random, ADJECTIVES)}`;
  const description = [
    `${pick(random, ADJECTIVES)} ${pick(random, c.nouns)} by ${pick(random, c.brands)}.`,
    pick(random, PHRASES),
    pick(random, PHRASES),
  ].join(' ');
  return { title, description };
}

/** Everything browsers search for: each category's nouns and brands. */
export const SEARCH_TERMS = [...new Set(Object.values(CATEGORIES).flatMap((c) => [...c.nouns, ...c.brands]))];

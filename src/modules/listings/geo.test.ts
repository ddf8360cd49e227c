import fc from 'fast-check';
import { boundingBox, distanceKm } from './geo';

describe('geo', () => {
  it('measures Montreal → Toronto at about 504 km', () => {
    expect(distanceKm(45.5019, -73.5674, 43.6532, -79.3832)).toBeCloseTo(504, -1);
  });

  it('boxes every point within the radius (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -80, max: 80, noNaN: true }),
        fc.double({ min: -170, max: 170, noNaN: true }),
        fc.double({ min: 1, max: 500, noNaN: true }),
        fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (lat, lng, radiusKm, bearing, fraction) => {
          // A point at distance ≤ radius in an arbitrary direction (destination-point formula).
          const d = (radiusKm * fraction) / 6371.0088;
          const φ1 = (lat * Math.PI) / 180;
          const φ2 = Math.asin(Math.sin(φ1) * Math.cos(d) + Math.cos(φ1) * Math.sin(d) * Math.cos(bearing));
          const λ2 = (lng * Math.PI) / 180 + Math.atan2(Math.sin(bearing) * Math.sin(d) * Math.cos(φ1), Math.cos(d) - Math.sin(φ1) * Math.sin(φ2));
          const pLat = (φ2 * 180) / Math.PI;
          const pLng = (λ2 * 180) / Math.PI;
          const box = boundingBox(lat, lng, radiusKm);
          expect(pLat).toBeGreaterThanOrEqual(box.minLat);
          expect(pLat).toBeLessThanOrEqual(box.maxLat);
          if (box.minLng !== undefined) {
            expect(pLng).toBeGreaterThanOrEqual(box.minLng);
            expect(pLng).toBeLessThanOrEqual(box.maxLng!);
          }
        },
      ),
    );
  });

  it('drops longitude bounds near a pole or across the antimeridian', () => {
    expect(boundingBox(89.9, 0, 50).minLng).toBeUndefined();
    expect(boundingBox(60, 179.9, 50).minLng).toBeUndefined();
    expect(boundingBox(45.5, -73.6, 25)).toMatchObject({ minLng: expect.any(Number), maxLng: expect.any(Number) });
  });
});

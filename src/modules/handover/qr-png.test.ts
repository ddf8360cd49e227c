import { createRequire } from 'node:module';
import { create } from 'qrcode';
import { qrPng } from './qr-png';

// pngjs ships with `qrcode` (its own PNG renderer): an independent decoder for our encoder's output.
const { PNG } = createRequire(require.resolve('qrcode'))('pngjs') as {
  PNG: { sync: { read(buf: Buffer): { width: number; height: number; data: Buffer } } };
};

const TEXT = `biddt://pickup/9c895518-f36b-4c7a-a3cc-cdf8e11d330a?t=${'A'.repeat(43)}`;

describe('qrPng', () => {
  it('decodes to exactly the QR matrix, scaled, with a white quiet zone', () => {
    const scale = 3;
    const margin = 4;
    const { modules } = create(TEXT, { errorCorrectionLevel: 'M' });
    const png = PNG.sync.read(qrPng(TEXT, { scale, margin }));
    const side = (modules.size + 2 * margin) * scale;
    expect(png.width).toBe(side);
    expect(png.height).toBe(side);
    const dark = (x: number, y: number) => png.data[(y * side + x) * 4] === 0; // RGBA after decoding
    const mismatches: string[] = [];
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const row = Math.floor(y / scale) - margin;
        const col = Math.floor(x / scale) - margin;
        const inside = row >= 0 && col >= 0 && row < modules.size && col < modules.size;
        const expected = inside && modules.get(row, col) === 1;
        if (dark(x, y) !== expected) mismatches.push(`${x},${y}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('is a real PNG of a sensible size for a phone screen', () => {
    const buf = qrPng(TEXT);
    expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const { width } = PNG.sync.read(buf);
    expect(width).toBeGreaterThanOrEqual(300);
    expect(buf.length).toBeLessThan(4000);
  });
});

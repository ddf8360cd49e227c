import { deflateSync } from 'node:zlib';
import { create, type QRCodeErrorCorrectionLevel } from 'qrcode';

/**
 * QR code → PNG, encoded here from the `qrcode` package's module matrix. A QR code is two-colour, so
 * a 1-bit grayscale PNG with integer scaling is exact and tiny, and takes well under a millisecond —
 * the package's generic RGBA renderer costs ~10 ms of synchronous CPU per 320 px image on the API's
 * event loop (and far more inside Jest's VM).
 */
export interface QrPngOptions {
  /** Pixels per module (integer, so edges stay sharp for scanners). */
  scale?: number;
  /** Quiet zone in modules (ISO/IEC 18004 asks for 4). */
  margin?: number;
  errorCorrectionLevel?: QRCodeErrorCorrectionLevel;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** Renders `text` as a black-on-white QR code PNG. */
export function qrPng(text: string, { scale = 8, margin = 4, errorCorrectionLevel = 'M' }: QrPngOptions = {}): Buffer {
  const { modules } = create(text, { errorCorrectionLevel });
  const side = (modules.size + 2 * margin) * scale;
  const rowBytes = Math.ceil(side / 8);
  // Each scanline: filter byte 0 (None), then 1 bit per pixel, 1 = white, 0 = black.
  const raw = Buffer.alloc((rowBytes + 1) * side, 0xff);
  for (let y = 0; y < side; y++) raw[y * (rowBytes + 1)] = 0;
  for (let row = 0; row < modules.size; row++) {
    const line = Buffer.alloc(rowBytes, 0xff);
    for (let col = 0; col < modules.size; col++) {
      if (!modules.get(row, col)) continue;
      for (let x = (col + margin) * scale, end = x + scale; x < end; x++) line[x >> 3] &= ~(0x80 >> (x & 7));
    }
    for (let dy = 0; dy < scale; dy++) line.copy(raw, ((row + margin) * scale + dy) * (rowBytes + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // grayscale
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** The same as a `data:` URL, ready for an `<img src>`. */
export const qrPngDataUrl = (text: string, options?: QrPngOptions): string =>
  `data:image/png;base64,${qrPng(text, options).toString('base64')}`;

/**
 * Byte helpers for specs: hex in and out, raw frames built from parts (for frames the
 * frame classes refuse to build because they are malformed), and splitting input.
 */

/** Buffer from hex, ignoring whitespace. */
export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** A raw frame: 9-octet header + payload, with any length, type, flags and stream id (reserved bit included). */
export function rawFrame(type: number, flags: number, streamId: number, payload: Uint8Array | string = Buffer.alloc(0), length?: number): Buffer {
  const body = typeof payload === 'string' ? hex(payload) : Buffer.from(payload);
  const header = Buffer.alloc(9);
  const len = length ?? body.length;
  header.writeUIntBE(len, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId >>> 0, 5);
  return Buffer.concat([header, body]);
}

/** Splits `data` into chunks: every `size` octets, or at random points when `size` is 'random'. */
export function split(data: Uint8Array, size: number | 'random', random: () => number = Math.random): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  while (i < data.length) {
    const n = size === 'random' ? 1 + Math.floor(random() * Math.min(64, data.length - i)) : size;
    out.push(Buffer.from(data.subarray(i, i + n)));
    i += n;
  }
  return out;
}

/** A small deterministic PRNG (mulberry32) so split tests are repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

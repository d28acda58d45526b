/**
 * OctetSink: the output buffer hpack.js's bit encoder writes into, replacing its `wbuf`.
 *
 * hpack.js's `Encoder` only calls `writeUInt8`, `reserve` and (in its own tests) `skip` on its
 * buffer; wbuf answers `render()` with a list of slices of freshly allocated chunks, which
 * profiling showed as the largest single cost of encoding a small header block. One sink serves
 * every HpackEncoder (encoder.ts), block after block; `take()` copies the block out.
 */
const INITIAL_SIZE = 512;

export class OctetSink {
  #buffer = Buffer.allocUnsafe(INITIAL_SIZE);
  #length = 0;

  /** Makes room for `n` more octets. */
  reserve(n: number): void {
    const need = this.#length + Math.ceil(n);
    if (need <= this.#buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(need, this.#buffer.length * 2));
    this.#buffer.copy(next, 0, 0, this.#length);
    this.#buffer = next;
  }

  writeUInt8(octet: number): void {
    if (this.#length === this.#buffer.length) this.reserve(1);
    this.#buffer[this.#length++] = octet & 0xff;
  }

  /** Skips `n` octets, writing zeros (hpack.js uses it only in its tests). */
  skip(n: number): void {
    this.reserve(n);
    this.#buffer.fill(0, this.#length, this.#length + n);
    this.#length += n;
  }

  /** The octets written since the last take, as a new Buffer; the sink is then empty. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.#length);
    this.#buffer.copy(out, 0, 0, this.#length);
    this.#length = 0;
    return out;
  }

  /** Forgets what was written (after a failed block). */
  clear(): void {
    this.#length = 0;
  }
}

/**
 * createPair(): a client and a server H2Duplex wired to each other in memory, no socket.
 * The byte flow can be re-chunked (`chunkSize`: every chunk cut into pieces of that many
 * octets, or 'random' pieces of 1..`maxChunkSize`) so tests exercise partial frames the way a
 * real transport delivers them. Each direction behaves like a socket: when one side's output
 * ends or it is destroyed, the other side sees EOF.
 */
import { Transform } from 'readable-stream';
import type { Duplex } from 'readable-stream';
import { InvalidArgumentError } from '../errors.js';
import { H2Configuration } from '../core/index.js';
import { H2Duplex, type H2DuplexOptions } from './h2-duplex.js';

/** Options of {@link createPair}. */
export interface PairOptions {
  /** Options of the client side (`config.clientSide` is forced to true). */
  client?: H2DuplexOptions;
  /** Options of the server side (`config.clientSide` is forced to false). */
  server?: H2DuplexOptions;
  /** Deliver bytes in pieces of this size, or of random sizes. Default: as produced. */
  chunkSize?: number | 'random';
  /** Largest piece for `chunkSize: 'random'`. Default 64. */
  maxChunkSize?: number;
  /** Seed of the random piece sizes (reproducible runs). Default 1. */
  seed?: number;
}

function withRole(options: H2DuplexOptions | undefined, clientSide: boolean): H2DuplexOptions {
  const config = options?.config;
  if (config instanceof H2Configuration) {
    if (config.clientSide !== clientSide) throw new InvalidArgumentError(`createPair: the ${clientSide ? 'client' : 'server'} configuration has clientSide ${String(config.clientSide)}`, 'ERR_H2_INVALID_OPTION');
    return { ...options };
  }
  return { ...options, config: { ...config, clientSide } };
}

/** A client and a server connected in memory. */
export function createPair(options: PairOptions = {}): { client: H2Duplex; server: H2Duplex } {
  const client = new H2Duplex(withRole(options.client, true));
  const server = new H2Duplex(withRole(options.server, false));
  connect(client, server, options);
  connect(server, client, options);
  return { client, server };
}

/** One direction: `from`'s output into `to`'s input, re-chunked as asked. */
function connect(from: H2Duplex, to: H2Duplex, options: PairOptions): void {
  const { chunkSize } = options;
  let link: Duplex = from;
  if (chunkSize !== undefined) {
    const random = seeded(options.seed ?? 1);
    const max = options.maxChunkSize ?? 64;
    const size = () => (chunkSize === 'random' ? 1 + Math.floor(random() * max) : chunkSize);
    const chunker = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        for (let offset = 0; offset < chunk.length; ) {
          const n = Math.min(size(), chunk.length - offset);
          this.push(chunk.subarray(offset, offset + n));
          offset += n;
        }
        callback();
      },
    });
    link = from.pipe(chunker);
  }
  link.pipe(to);
  // Like a socket: a destroyed peer is an EOF for this side.
  from.once('close', () => {
    if (!to.writableEnded && !to.destroyed) to.end();
  });
}

/** mulberry32: a small seeded PRNG, enough for reproducible chunk sizes. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

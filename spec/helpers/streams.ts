/**
 * Small helpers for adapter specs: read a stream to its end, wait for an event.
 */
import { once } from 'node:events';
import type { EventHeaders, IncomingHeaders } from '../../src/index.js';

/** Reads `stream` to its end; rejects on 'error'. */
export async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** The first value of `event` (its first argument). */
export async function next<T>(emitter: NodeJS.EventEmitter, event: string): Promise<T> {
  const [value] = (await once(emitter, event)) as [T];
  return value;
}

/** Headers (pairs, or node's object form) as a plain object of strings (pairs: last value wins), for assertions. */
export function asObject(headers: EventHeaders | IncomingHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(headers)) {
    for (const [n, v] of Object.entries(headers)) if (v !== undefined) out[n] = String(v);
    return out;
  }
  for (const [n, v] of headers) out[n.toString()] = v.toString();
  return out;
}

/** The chunkings every adapter exchange runs under. */
export const CHUNKINGS: Array<{ name: string; chunkSize?: number | 'random' }> = [
  { name: 'whole chunks' },
  { name: '1-byte chunks', chunkSize: 1 },
  { name: 'random chunks', chunkSize: 'random' },
];

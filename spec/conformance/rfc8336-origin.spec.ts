/**
 * RFC 8336 §2.1: ORIGIN is sent by servers only; a server that receives one ignores it (as it
 * would any frame it does not support, RFC 9113 §5.5), but the frame rules of RFC 9113 still
 * hold (not inside a header block, not over SETTINGS_MAX_FRAME_SIZE).
 */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

/** An ORIGIN payload: each origin as a 16-bit length and its octets. */
function entries(...origins: string[]): Buffer {
  return Buffer.concat(origins.map((o) => Buffer.concat([Buffer.from([o.length >> 8, o.length & 0xff]), Buffer.from(o, 'latin1')])));
}

const ORIGIN = rawFrame(0xc, 0, 0, entries('http://127.0.0.1', 'https://example.com'));
const PING = (payload: string) => rawFrame(6, 0, 0, payload);

conformance('§2.1 ORIGIN (RFC 8336)', [
  { title: 'ORIGIN sent to a server is ignored', send: () => Buffer.concat([ORIGIN, PING('6f726967696e2031')]), answer: { pingAck: '6f726967696e2031' } },
  { title: 'ORIGIN between requests is ignored', send: (p) => Buffer.concat([p.request(1), ORIGIN, p.request(3)]), answer: { status: 200, stream: 3 } },
  { title: 'ORIGIN on an open stream is ignored', send: (p) => Buffer.concat([p.request(1, '/', { body: true }), rawFrame(0xc, 0, 1, entries('https://example.com')), rawFrame(0, 1, 1)]), answer: { status: 200, stream: 1 } },
  { title: 'ORIGIN on an idle stream is ignored', send: () => Buffer.concat([rawFrame(0xc, 0, 3, entries('https://example.com')), PING('6f726967696e2033')]), answer: { pingAck: '6f726967696e2033' } },
  { title: 'a malformed ORIGIN (an entry longer than the frame) is ignored', send: () => Buffer.concat([rawFrame(0xc, 0, 0, '0009 616263'), PING('6f726967696e2034')]), answer: { pingAck: '6f726967696e2034' } },
  { title: 'an empty ORIGIN with flags set is ignored', send: (p) => Buffer.concat([rawFrame(0xc, 0xff, 0), p.request(1)]), answer: { status: 200, stream: 1 } },
  { title: 'ORIGIN in the middle of a header block', send: (p) => { const r = p.request(1); r[4] = 0x1; return Buffer.concat([r, ORIGIN]); }, answer: { goaway: ErrorCodes.PROTOCOL_ERROR } },
  { title: 'ORIGIN over SETTINGS_MAX_FRAME_SIZE', send: () => rawFrame(0xc, 0, 0, Buffer.alloc(16385)), answer: { goaway: ErrorCodes.FRAME_SIZE_ERROR } },
]);

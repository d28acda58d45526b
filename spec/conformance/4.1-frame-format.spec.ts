/** RFC 9113 §4.1: frame format (unknown types and flags, the reserved bit). */
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

conformance('§4.1 frame format', [
  { title: 'an unknown frame type is ignored', send: (p) => Buffer.concat([rawFrame(0xfa, 0, 0, 'abcd'), p.request(1)]), answer: { status: 200, stream: 1 } },
  { title: 'unknown flags on PING are ignored', send: () => rawFrame(6, 0xf0, 0, '0102030405060708'), answer: { pingAck: '0102030405060708' } },
  { title: 'unknown flags on HEADERS are ignored', send: (p) => { const b = p.request(1); b[4] = (b[4] ?? 0) | 0x10; return b; }, answer: { status: 200, stream: 1 } },
  { title: 'the reserved bit of a stream id is ignored', send: (p) => { const b = p.request(1); b[5] = (b[5] ?? 0) | 0x80; return b; }, answer: { status: 200, stream: 1 } },
  { title: 'an unknown frame type on a stream is ignored', send: (p) => Buffer.concat([p.request(1, '/', { body: true }), rawFrame(0xfb, 0, 1, '00'), rawFrame(0, 1, 1)]), answer: { status: 200, stream: 1 } },
]);

/** RFC 9113 §5.1.1: stream identifiers. */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

const E = ErrorCodes;
conformance('§5.1.1 stream identifiers', [
  { title: 'an even stream id from a client', send: (p) => p.request(2), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'a stream id lower than one already used', send: (p) => Buffer.concat([p.request(5), p.request(3)]), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'HEADERS on stream 0', send: (p) => { const b = p.request(1); b.writeUInt32BE(0, 5); return b; }, answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'a stream id jump to 2^31-1 is answered', send: (p) => p.request(0x7fffffff), answer: { status: 200, stream: 0x7fffffff } },
  { title: 'stream ids may skip numbers', send: (p) => p.request(101), answer: { status: 200, stream: 101 } },
  { title: 'reusing a stream id that finished', send: (p) => Buffer.concat([p.request(1), rawFrame(6, 0, 0, '0000000000000000'), p.request(1)]), answer: { goaway: E.STREAM_CLOSED } },
]);

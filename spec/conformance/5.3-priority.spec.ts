/** RFC 9113 §5.3: priority signals (deprecated but validated). */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

const E = ErrorCodes;
conformance('§5.3 priority', [
  { title: 'PRIORITY making a stream depend on itself', send: () => rawFrame(2, 0, 1, '0000000110'), answer: { rst: E.PROTOCOL_ERROR, stream: 1 } },
  { title: 'HEADERS with priority depending on itself', send: (p) => { const r = p.request(1); return rawFrame(1, 0x25, 1, Buffer.concat([Buffer.from('0000000110', 'hex'), r.subarray(9)])); }, answer: { rst: E.PROTOCOL_ERROR, stream: 1 } },
  { title: 'HEADERS with valid priority fields', send: (p) => { const r = p.request(1); return rawFrame(1, 0x25, 1, Buffer.concat([Buffer.from('800000000f', 'hex'), r.subarray(9)])); }, answer: { status: 200, stream: 1 } },
  { title: 'PRIORITY on stream 0', send: () => rawFrame(2, 0, 0, '0000000110'), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'PRIORITY for a closed stream is accepted', send: (p) => Buffer.concat([p.request(1), rawFrame(2, 0, 1, '0000000310'), p.request(3)]), answer: { status: 200, stream: 3 } },
]);

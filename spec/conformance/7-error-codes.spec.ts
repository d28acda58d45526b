/** RFC 9113 §7: error codes (unknown codes MUST NOT trigger special behaviour). */
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

conformance('§7 error codes', [
  { title: 'RST_STREAM with an unknown error code is accepted', send: (p) => Buffer.concat([p.request(1, '/', { body: true }), rawFrame(3, 0, 1, '000000ff'), p.request(3)]), answer: { status: 200, stream: 3 } },
  { title: 'RST_STREAM with error code 0xffffffff is accepted', send: (p) => Buffer.concat([p.request(1, '/', { body: true }), rawFrame(3, 0, 1, 'ffffffff'), p.request(3)]), answer: { status: 200, stream: 3 } },
  { title: 'RST_STREAM with HTTP_1_1_REQUIRED is accepted', send: (p) => Buffer.concat([p.request(1, '/', { body: true }), rawFrame(3, 0, 1, '0000000d'), p.request(3)]), answer: { status: 200, stream: 3 } },
]);

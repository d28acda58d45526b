/** RFC 9113 §6.3: PRIORITY (frame rules; §5.3 has the dependency rules). */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

conformance('§6.3 PRIORITY', [
  { title: 'PRIORITY on stream 0', send: () => rawFrame(2, 0, 0, '0000000310'), answer: { goaway: ErrorCodes.PROTOCOL_ERROR } },
  { title: 'PRIORITY in the middle of a header block', send: (p) => { const r = p.request(1); r[4] = 0x1; return Buffer.concat([r, rawFrame(2, 0, 3, '0000000110')]); }, answer: { goaway: ErrorCodes.PROTOCOL_ERROR } },
  { title: 'PRIORITY on an open stream is accepted', send: (p) => Buffer.concat([p.request(1, '/', { body: true }), rawFrame(2, 0, 1, '0000000310'), rawFrame(0, 1, 1)]), answer: { status: 200, stream: 1 } },
]);

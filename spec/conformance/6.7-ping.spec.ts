/** RFC 9113 §6.7: PING. */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

conformance('§6.7 PING', [
  { title: 'PING is answered with an ACK carrying the same payload', send: () => rawFrame(6, 0, 0, '68326475706c6578'), answer: { pingAck: '68326475706c6578' } },
  { title: 'PING on a stream', send: () => rawFrame(6, 0, 1, '0000000000000000'), answer: { goaway: ErrorCodes.PROTOCOL_ERROR } },
  { title: 'a PING ACK we did not ask for is not answered', send: (p) => Buffer.concat([rawFrame(6, 1, 0, '0000000000000000'), p.request(1)]), answer: { status: 200, stream: 1 } },
]);

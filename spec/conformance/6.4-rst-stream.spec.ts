/** RFC 9113 §6.4: RST_STREAM. */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

conformance('§6.4 RST_STREAM', [
  { title: 'RST_STREAM on stream 0', send: () => rawFrame(3, 0, 0, '00000008'), answer: { goaway: ErrorCodes.PROTOCOL_ERROR } },
  { title: 'RST_STREAM on an idle stream', send: () => rawFrame(3, 0, 3, '00000008'), answer: { goaway: ErrorCodes.PROTOCOL_ERROR } },
  { title: 'RST_STREAM cancels a request; the next one is served', send: (p) => Buffer.concat([p.request(1, '/', { body: true }), rawFrame(3, 0, 1, '00000008'), p.request(3)]), answer: { status: 200, stream: 3 } },
]);

/** RFC 9113 §6.8: GOAWAY. */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

conformance('§6.8 GOAWAY', [
  { title: 'GOAWAY on a stream', send: () => rawFrame(7, 0, 1, '0000000000000000'), answer: { goaway: ErrorCodes.PROTOCOL_ERROR } },
  {
    title: 'GOAWAY(NO_ERROR) from the client with no stream open, then PING: answered, or a clean close, never a connection error',
    send: () => Buffer.concat([rawFrame(7, 0, 0, '0000000000000000'), rawFrame(6, 0, 0, '676f6e6520627965')]),
    answer: { pingAck: '676f6e6520627965', orClose: true },
  },
  { title: 'GOAWAY from the client: the request before it is still answered', send: (p) => Buffer.concat([p.request(1), rawFrame(7, 0, 0, '0000000000000000')]), answer: { status: 200, stream: 1 } },
]);

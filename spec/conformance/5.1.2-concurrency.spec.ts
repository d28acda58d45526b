/** RFC 9113 §5.1.2: stream concurrency (our MAX_CONCURRENT_STREAMS is 100). */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

conformance('§5.1.2 stream concurrency', [
  {
    title: '101 open streams (bodies never sent) against MAX_CONCURRENT_STREAMS 100',
    send: (p) => Buffer.concat(Array.from({ length: 101 }, (_, i) => p.request(2 * i + 1, '/', { method: 'POST', body: true }))),
    answer: { rst: ErrorCodes.REFUSED_STREAM, stream: 201 },
  },
  {
    title: '100 open streams are allowed',
    send: (p) => Buffer.concat([p.request(1, '/', { method: 'POST', body: true }), ...Array.from({ length: 99 }, (_, i) => p.request(2 * i + 3, '/', { method: 'POST', body: true })), rawFrame(0, 1, 1)]),
    answer: { status: 200, stream: 1 },
  },
]);

/**
 * Property: H2Duplex pairs under random chunking of the byte flow and random consumer pauses
 * never lose, duplicate or reorder a byte, and finish every exchange.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { createPair, type H2Stream } from '../../src/index.js';
import { fuzzRuns } from '../helpers/fuzz-runs.js';

/** Reads a stream to its end, pausing for `pauses[i]` ms after chunk i (cycled). */
async function slowCollect(stream: H2Stream, pauses: number[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  let i = 0;
  for await (const chunk of stream) {
    parts.push(chunk as Buffer);
    const pause = pauses.length === 0 ? 0 : (pauses[i++ % pauses.length] ?? 0);
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
  }
  return Buffer.concat(parts);
}

describe('property: H2Duplex under random chunking and consumer pauses', function () {
  this.timeout(0);

  it('echoes every body intact', async function () {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 150_000 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 4000 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
        async (sizes, seed, maxChunkSize, serverPauses, clientPauses) => {
          const { client, server } = createPair({ chunkSize: 'random', seed, maxChunkSize });
          server.on('stream', (stream: H2Stream) => {
            stream.respond([[':status', '200']]);
            void slowCollect(stream, serverPauses).then((body) => stream.end(body));
          });
          const bodies = sizes.map((n, k) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + k) & 0xff)));
          const echoes = await Promise.all(
            bodies.map((body) => {
              const req = client.request([[':method', 'POST'], [':scheme', 'http'], [':authority', 'fuzz'], [':path', '/']]);
              req.end(body);
              return slowCollect(req, clientPauses);
            }),
          );
          echoes.forEach((echo, k) => expect(echo.equals(bodies[k] ?? Buffer.alloc(0)), `body ${k}`).to.equal(true));
          await client.close();
        },
      ),
      // Each input is a whole exchange over a pair: capped for long fuzz runs.
      { numRuns: Math.min(fuzzRuns(12), 2000) },
    );
  });
});

/**
 * Property: two of our cores talking in memory through random interleavings of send,
 * partial delivery (dataToSend(amount) cuts frames anywhere) and acknowledge calls never
 * throw, never lose or reorder a byte, never let a window go negative, and agree on which
 * streams ended.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { ConnectionState, DataReceived, StreamEnded, type H2Connection } from '../../src/index.js';
import { fuzzRuns } from '../helpers/fuzz-runs.js';
import { connectedPair } from '../helpers/peers.js';

type Action =
  | { kind: 'send'; stream: number; size: number }
  | { kind: 'deliver'; toServer: boolean; amount: number }
  | { kind: 'ack'; stream: number; size: number }
  | { kind: 'end'; stream: number };

const STREAMS = [1, 3, 5];

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('send' as const), stream: fc.constantFrom(...STREAMS), size: fc.integer({ min: 0, max: 40000 }) }),
  fc.record({ kind: fc.constant('deliver' as const), toServer: fc.boolean(), amount: fc.integer({ min: 1, max: 70000 }) }),
  fc.record({ kind: fc.constant('ack' as const), stream: fc.constantFrom(...STREAMS), size: fc.integer({ min: 1, max: 40000 }) }),
  fc.record({ kind: fc.constant('end' as const), stream: fc.constantFrom(...STREAMS) }),
);

/** Byte i of stream s's body: a pattern that makes loss or reordering visible. */
function body(stream: number, from: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) b[i] = (from + i + stream * 7) & 0xff;
  return b;
}

describe('property: two cores in memory', function () {
  this.timeout(0);

  it('never lose, duplicate or reorder a byte under random interleavings', function () {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 60 }), (actions) => {
        const { client, server } = connectedPair();
        const sent = new Map<number, number>();
        const ended = new Set<number>();
        const received = new Map<number, Buffer[]>();
        const unacked = new Map<number, number>();
        const serverEnded = new Set<number>();
        for (const id of STREAMS) {
          client.sendHeaders(id, [
            [':method', 'POST'],
            [':path', '/'],
            [':scheme', 'http'],
            [':authority', 'x'],
          ]);
          sent.set(id, 0);
          received.set(id, []);
          unacked.set(id, 0);
        }
        const deliver = (from: H2Connection, to: H2Connection, amount?: number): void => {
          const events = to.receiveData(from.dataToSend(amount));
          for (const ev of events) {
            if (ev instanceof DataReceived) {
              received.get(ev.streamId)?.push(ev.data);
              unacked.set(ev.streamId, (unacked.get(ev.streamId) ?? 0) + ev.flowControlledLength);
            }
            if (ev instanceof StreamEnded) serverEnded.add(ev.streamId);
          }
        };
        for (const a of actions) {
          if (a.kind === 'send' && !ended.has(a.stream)) {
            const n = Math.max(0, Math.min(a.size, client.localFlowControlWindow(a.stream)));
            client.sendData(a.stream, body(a.stream, sent.get(a.stream) ?? 0, n));
            sent.set(a.stream, (sent.get(a.stream) ?? 0) + n);
          } else if (a.kind === 'deliver') {
            if (a.toServer) deliver(client, server, a.amount);
            else client.receiveData(server.dataToSend(a.amount));
          } else if (a.kind === 'ack') {
            const n = Math.min(a.size, unacked.get(a.stream) ?? 0);
            if (n > 0) {
              server.acknowledgeReceivedData(n, a.stream);
              unacked.set(a.stream, (unacked.get(a.stream) ?? 0) - n);
            }
          } else if (a.kind === 'end' && !ended.has(a.stream)) {
            client.endStream(a.stream);
            ended.add(a.stream);
          }
          for (const id of STREAMS) {
            if (!ended.has(id)) expect(client.localFlowControlWindow(id)).to.be.at.least(0);
          }
          expect(server.inboundFlowControlWindow).to.be.at.least(0);
        }
        // Drain both directions completely.
        for (let i = 0; i < 4; i++) {
          deliver(client, server);
          client.receiveData(server.dataToSend());
        }
        for (const id of STREAMS) {
          const got = Buffer.concat(received.get(id) ?? []);
          expect(got.equals(body(id, 0, sent.get(id) ?? 0)), `stream ${id}: ${got.length} of ${sent.get(id)} octets`).to.equal(true);
          expect(serverEnded.has(id)).to.equal(ended.has(id));
        }
        // Neither side saw a protocol error: both connections are still open.
        expect(client.state).to.equal(ConnectionState.CLIENT_OPEN);
        expect(server.state).to.equal(ConnectionState.SERVER_OPEN);
      }),
      { numRuns: fuzzRuns(300) },
    );
  });
});

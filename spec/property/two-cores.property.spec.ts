/**
 * Property: two of our cores talking in memory through random interleavings of send,
 * partial delivery (dataToSend(amount) cuts frames anywhere) and acknowledge calls never
 * throw, never lose or reorder a byte, never let a window go negative, and agree on which
 * streams ended. A graceful GOAWAY from either side, at any point, never turns the
 * connection-level frames still in flight (PING, SETTINGS, WINDOW_UPDATE) into a protocol
 * error (RFC 9113 §6.8).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { ConnectionState, DataReceived, PingAckReceived, StreamEnded, type H2Connection } from '../../src/index.js';
import { GoAwayFrame } from '../../src/frame/index.js';
import { framesIn } from '../helpers/frame-factory.js';
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

  type ControlAction =
    | { kind: 'ping' | 'settings' | 'window' | 'close'; client: boolean }
    | { kind: 'deliver'; toServer: boolean; amount: number };

  const controlAction: fc.Arbitrary<ControlAction> = fc.oneof(
    fc.record({ kind: fc.constantFrom('ping' as const, 'settings' as const, 'window' as const, 'close' as const), client: fc.boolean() }),
    fc.record({ kind: fc.constant('deliver' as const), toServer: fc.boolean(), amount: fc.integer({ min: 1, max: 60 }) }),
  );

  it('answer every PING and SETTINGS across a graceful GOAWAY either way, and never send a GOAWAY with an error code', function () {
    fc.assert(
      fc.property(fc.array(controlAction, { maxLength: 40 }), (actions) => {
        const { client, server } = connectedPair();
        const pingsSent = new Map<H2Connection, string[]>([[client, []], [server, []]]);
        const acked = new Map<H2Connection, string[]>([[client, []], [server, []]]);
        const wire = new Map<H2Connection, Buffer[]>([[client, []], [server, []]]);
        let nextPing = 0;
        /** Takes a side's output (kept for the GOAWAY check) and hands `amount` of it, or all, to the other side. */
        const deliver = (from: H2Connection, to: H2Connection, amount?: number): void => {
          const bytes = from.dataToSend(amount);
          wire.get(from)?.push(bytes);
          for (const ev of to.receiveData(bytes)) {
            if (ev instanceof PingAckReceived) acked.get(to)?.push(ev.pingData.toString('latin1'));
          }
        };
        for (const a of actions) {
          if (a.kind === 'deliver') {
            if (a.toServer) deliver(client, server, a.amount);
            else deliver(server, client, a.amount);
            continue;
          }
          const side = a.client ? client : server;
          if (a.kind === 'ping' && (pingsSent.get(side)?.length ?? 0) - (acked.get(side)?.length ?? 0) < 10) {
            const payload = `ping${String(nextPing++).padStart(4, '0')}`;
            side.ping(Buffer.from(payload, 'latin1'));
            pingsSent.get(side)?.push(payload);
          } else if (a.kind === 'settings' && side.outstandingSettings < 10) {
            side.updateSettings({ 4: 65535 + nextPing++ });
          } else if (a.kind === 'window') {
            side.incrementFlowControlWindow(1000);
          } else if (a.kind === 'close') {
            side.closeConnection();
          }
        }
        for (let i = 0; i < 3; i++) {
          deliver(client, server);
          deliver(server, client);
        }
        for (const side of [client, server]) {
          expect(acked.get(side), 'every PING acknowledged, in order').to.deep.equal(pingsSent.get(side));
          expect(side.outstandingSettings, 'every SETTINGS acknowledged').to.equal(0);
          const errors = framesIn(Buffer.concat(wire.get(side) ?? [])).filter((f) => f instanceof GoAwayFrame && f.errorCode !== 0);
          expect(errors, 'no GOAWAY with an error code').to.deep.equal([]);
          const closed = actions.some((a) => a.kind === 'close');
          expect(side.draining, 'draining after a graceful GOAWAY either way').to.equal(closed);
          expect(side.state).to.equal(closed ? ConnectionState.CLOSED : ConnectionState.IDLE);
        }
      }),
      { numRuns: fuzzRuns(300) },
    );
  });
});

/**
 * Reproduction (library, src/duplex/h2c.ts): a client that resets its TCP connection after an
 * h2c upgrade crashes a server whose upgraded H2Duplex has no 'error' listener.
 *
 * acceptH2cUpgrade() wires `socket.on('error', (err) => h2.destroy(err))`: the transport's
 * ECONNRESET is emitted as the duplex's 'error', and with no listener that is an uncaught
 * exception. The README promises the opposite for errors a peer causes ("a stream or duplex
 * without one closes quietly ... so a peer cannot crash a server whose handler forgot a
 * listener"), and an H2Duplex piped to a socket by hand behaves so. requestH2cUpgrade() has
 * the same wiring on the client side.
 *
 * Suggested fix in h2c.ts (both places): pass the error on only to a listener, as H2Duplex
 * does for peer errors: `socket.on('error', (err) => h2.destroy(h2.listenerCount('error') > 0
 * ? err : undefined))`, and `socket.on('close', () => h2.destroy())` so the duplex never
 * outlives its transport.
 */
import http from 'node:http';
import type net from 'node:net';
import { expect } from 'chai';
import { acceptH2cUpgrade, type H2Duplex } from '../../src/index.js';
import { h2cAbruptClient } from '../helpers/abrupt-clients.js';

describe('acceptH2cUpgrade: a client reset after the upgrade', function () {
  it('closes an upgraded H2Duplex that has no error listener quietly (no uncaught exception)', async function () {
    const server = http.createServer();
    const upgraded = new Promise<H2Duplex>((resolve) => {
      server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
        const h2 = acceptH2cUpgrade(req, socket, head);
        if (h2 === null) {
          socket.destroy();
          return;
        }
        h2.on('stream', (stream) => {
          stream.respond([[':status', '200']]);
          stream.end('upgraded\n');
        });
        resolve(h2);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await h2cAbruptClient((server.address() as net.AddressInfo).port, 'mid-response');
      const h2 = await upgraded;
      await new Promise((resolve) => (h2.destroyed ? resolve(undefined) : h2.once('close', resolve)));
      expect(h2.destroyed).to.equal(true);
    } finally {
      server.close();
    }
  });
});

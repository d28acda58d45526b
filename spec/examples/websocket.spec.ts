/**
 * examples/websocket.ts: WebSockets over HTTP/2 extended CONNECT (RFC 8441) with the `ws`
 * package at both ends, in memory (1-byte chunks too) and over TCP.
 */
import net from 'node:net';
import { expect } from 'chai';
import type { WebSocket } from 'ws';
import { acceptWebSockets, connectWebSocket, startWebSocketEchoServer, WEBSOCKET_SERVER_SETTINGS } from '../../examples/websocket.js';
import { createPair, H2Duplex } from '../../src/index.js';

/** Sends each message and collects the echoes, then closes with 1000; resolves with what came back and the close code. */
function echo(ws: WebSocket, messages: Array<string | Buffer>): Promise<{ received: Array<string | Buffer>; code: number }> {
  const received: Array<string | Buffer> = [];
  return new Promise((resolve, reject) => {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      received.push(isBinary ? Buffer.from(data) : data.toString());
      if (received.length === messages.length) ws.close(1000, 'done');
    });
    ws.on('close', (code: number) => resolve({ received, code }));
    ws.on('error', reject);
    for (const m of messages) ws.send(m);
  });
}

const MESSAGES = ['hello', Buffer.from([0, 1, 2, 255]), 'x'.repeat(200_000), 'bye'];

describe('example: WebSocket over HTTP/2 (RFC 8441, ws)', function () {
  this.timeout(20_000);

  for (const chunkSize of [undefined, 1] as const) {
    it(`echoes text and binary messages and closes cleanly over createPair${chunkSize === 1 ? ' (1-byte chunks)' : ''}`, async function () {
      const { client, server } = createPair({ server: { settings: WEBSOCKET_SERVER_SETTINGS }, ...(chunkSize === undefined ? {} : { chunkSize }) });
      let serverClose = 0;
      acceptWebSockets(server, (ws, path) => {
        expect(path).to.equal('/echo');
        ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
        ws.on('close', (code) => (serverClose = code));
      });
      const ws = await connectWebSocket(client, 'pair', '/echo');
      const { received, code } = await echo(ws, chunkSize === 1 ? MESSAGES.slice(0, 2) : MESSAGES);
      expect(received).to.deep.equal(chunkSize === 1 ? MESSAGES.slice(0, 2) : MESSAGES);
      expect(code).to.equal(1000);
      await new Promise((r) => setTimeout(r, 20));
      expect(serverClose).to.equal(1000);
      client.destroy();
      server.destroy();
    });
  }

  it('runs the echo server over TCP', async function () {
    const server = await startWebSocketEchoServer(0);
    const { port } = server.address() as net.AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    const h2 = new H2Duplex();
    socket.pipe(h2).pipe(socket);
    try {
      const ws = await connectWebSocket(h2, `127.0.0.1:${port}`, '/echo');
      const { received, code } = await echo(ws, MESSAGES);
      expect(received).to.deep.equal(MESSAGES);
      expect(code).to.equal(1000);
      await h2.close();
    } finally {
      socket.destroy();
      server.close();
    }
  });

  it('is refused by a server that did not enable extended CONNECT', async function () {
    const { client, server } = createPair();
    let error: unknown = null;
    const pending = connectWebSocket(client, 'pair', '/echo').catch((err: unknown) => (error = err));
    await new Promise((r) => setTimeout(r, 50));
    client.destroy();
    server.destroy();
    await pending;
    expect(String(error)).to.match(/before the server allowed extended CONNECT/);
  });
});

/**
 * WebSockets over HTTP/2 (RFC 8441 extended CONNECT) with the `ws` package: the server
 * advertises SETTINGS_ENABLE_CONNECT_PROTOCOL, the client opens a stream with
 * `:method CONNECT` + `:protocol websocket`, the server answers 200, and from then on the
 * H2Stream is the byte stream WebSocket frames travel on (RFC 8441 §5). `ws` does the framing
 * (masking, fragmentation, ping/pong, the closing handshake) on top of the H2Stream.
 *
 * `ws` has no public API for "a WebSocket on this already-open byte stream": its
 * WebSocketServer uses `setSocket()` after an HTTP/1.1 handshake, which is what we call here.
 * It decides masking from its internal `_isServer`, so the client side sets it (RFC 6455 §5.1:
 * a client masks every frame).
 *
 *   npx tsx examples/websocket.ts     (an echo server on :8443 and one client message)
 */
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import { H2Duplex, type H2Stream, type IncomingHeaders, SettingCodes } from '../src/index.js';
import { listen, runOver } from './server.js';

/** What `ws` needs of a WebSocket for `setSocket` (internal API, see the module comment). */
interface AttachableWebSocket {
  _isServer: boolean;
  setSocket(socket: unknown, head: Buffer, options: { maxPayload: number; allowSynchronousEvents: boolean; skipUTF8Validation: boolean }): void;
}

const MAX_PAYLOAD = 16 * 1024 * 1024;
/** How long the closing handshake may take before the stream is destroyed (ws's default). */
const CLOSE_TIMEOUT = 30_000;

/** A `ws` WebSocket whose frames travel on `stream` (an extended CONNECT stream that was answered 200). */
export function webSocketOn(stream: H2Stream, role: 'client' | 'server'): WebSocket {
  // `null` as the address is how ws builds a WebSocket for an existing socket (@types/ws omits it).
  // closeTimeout must be given: WebSocketServer passes it, and without it the closing handshake
  // gets 0 ms before ws destroys the stream (close code 1006).
  const ws = new (WebSocket as unknown as new (address: null, protocols: undefined, options: { autoPong: boolean; closeTimeout: number }) => WebSocket)(null, undefined, {
    autoPong: true,
    closeTimeout: CLOSE_TIMEOUT,
  });
  const attachable = ws as unknown as AttachableWebSocket;
  attachable._isServer = role === 'server';
  attachable.setSocket(stream, Buffer.alloc(0), { maxPayload: MAX_PAYLOAD, allowSynchronousEvents: true, skipUTF8Validation: false });
  return ws;
}

/** Server side: accepts WebSocket CONNECT streams and hands each WebSocket to `onSocket`. */
export function acceptWebSockets(h2: H2Duplex, onSocket: (ws: WebSocket, path: string) => void): void {
  h2.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    if (headers[':method'] !== 'CONNECT' || headers[':protocol'] !== 'websocket') {
      stream.respond({ ':status': 404 }, { endStream: true });
      return;
    }
    // RFC 8441 §5: 200 (not 101) accepts; the stream stays open both ways.
    stream.respond({ ':status': 200 });
    onSocket(webSocketOn(stream, 'server'), headers[':path'] ?? '/');
  });
}

/** The server's options: extended CONNECT is only allowed once the server advertised it (RFC 8441 §3). */
export const WEBSOCKET_SERVER_SETTINGS = { [SettingCodes.INITIAL_WINDOW_SIZE]: 256 * 1024, [SettingCodes.ENABLE_CONNECT_PROTOCOL]: 1 };

/** Client side: opens a WebSocket to `path` on an HTTP/2 connection (waits for the server's SETTINGS). */
export async function connectWebSocket(h2: H2Duplex, authority: string, path: string): Promise<WebSocket> {
  if (h2.connection.remoteSettings.enableConnectProtocol !== 1) {
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (h2.connection.remoteSettings.enableConnectProtocol === 1) {
          h2.off('RemoteSettingsChanged', check);
          resolve();
        }
      };
      h2.on('RemoteSettingsChanged', check);
      h2.once('close', () => reject(new Error('the connection closed before the server allowed extended CONNECT')));
    });
  }
  const stream = h2.request([
    [':method', 'CONNECT'],
    [':protocol', 'websocket'],
    [':scheme', 'http'],
    [':path', path],
    [':authority', authority],
    ['sec-websocket-version', '13'],
  ]);
  const headers = await new Promise<IncomingHeaders>((resolve, reject) => {
    stream.once('response', resolve);
    stream.once('error', reject);
  });
  const status = headers[':status'];
  if (status !== 200) throw new Error(`the server refused the WebSocket: ${String(status)}`);
  return webSocketOn(stream, 'client');
}

/** An echo server over TCP (h2c): every message comes back. */
export function startWebSocketEchoServer(port = 0, host = '127.0.0.1'): Promise<net.Server> {
  const server = net.createServer((socket) => {
    const h2 = runOver(socket, new H2Duplex({ config: { clientSide: false }, settings: WEBSOCKET_SERVER_SETTINGS }));
    acceptWebSockets(h2, (ws) => {
      ws.on('message', (data, isBinary) => {
        ws.send(data, { binary: isBinary });
      });
    });
  });
  return listen(server, port, host);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = await startWebSocketEchoServer(Number(process.env['PORT'] ?? 8443));
  const { port } = server.address() as net.AddressInfo;
  const socket = net.connect(port, '127.0.0.1');
  const h2 = new H2Duplex();
  socket.pipe(h2).pipe(socket);
  const ws = await connectWebSocket(h2, `127.0.0.1:${port}`, '/echo');
  ws.on('message', (data: Buffer) => {
    console.log(`echoed over a WebSocket on an HTTP/2 stream: ${data.toString()}`);
    ws.close(1000, 'done');
  });
  ws.on('close', () => {
    void h2.close().then(() => server.close());
  });
  ws.send('hello');
}

/**
 * A reverse proxy on H2Duplex: every request on the listening h2c port becomes a stream on
 * one HTTP/2 connection to the upstream, H2Stream piped to H2Stream both ways. Backpressure
 * is end to end: a slow downstream client stops reading, the proxy stops acknowledging the
 * upstream's DATA, and the upstream's window closes; the same holds for request bodies. So
 * is cancellation: a client that resets its stream or drops its connection gets the upstream
 * stream reset (RST_STREAM(CANCEL)), and an upstream reset resets the client's stream.
 *
 * CONNECT (RFC 9113 §8.5): `:method CONNECT` with `:authority host:port` opens a TCP
 * connection and tunnels the stream's bytes to it (a 200 response, then raw bytes).
 *
 *   UPSTREAM=http://127.0.0.1:8080 PORT=8081 npx tsx examples/proxy.ts
 *   curl --http2-prior-knowledge http://127.0.0.1:8081/bytes/100
 */
import net from 'node:net';
import { finished } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { H2Duplex, type H2Stream, type IncomingHeaders, type OutgoingHeaders } from '../src/index.js';
import { connectTo } from './client.js';

/** Hop-by-hop and per-connection fields that must not be forwarded. */
const DROP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te']);

function forwardable(headers: IncomingHeaders): OutgoingHeaders {
  const out: OutgoingHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!DROP.has(name)) out[name] = value;
  return out;
}

/** One upstream connection, reopened when it closes. */
class Upstream {
  #h2: H2Duplex | null = null;
  #connecting: Promise<H2Duplex> | null = null;

  constructor(readonly url: URL) {}

  get(): Promise<H2Duplex> {
    if (this.#h2 !== null && !this.#h2.destroyed && !this.#h2.connection.draining) return Promise.resolve(this.#h2);
    this.#connecting ??= connectTo(this.url).then((socket) => {
      const h2 = new H2Duplex();
      socket.pipe(h2).pipe(socket);
      socket.on('error', () => h2.destroy());
      socket.on('close', () => h2.destroy());
      h2.on('error', () => socket.destroy());
      this.#h2 = h2;
      this.#connecting = null;
      return h2;
    });
    return this.#connecting;
  }

  /** The connection in use, if one is open. */
  get current(): H2Duplex | null {
    return this.#h2;
  }

  close(): void {
    void this.#h2?.close();
  }
}

/** Where requests go: a client H2Duplex to the upstream (a new one if the last one closed). */
export type UpstreamSource = () => Promise<H2Duplex>;

/**
 * Forwards one request. The two streams live and die together: whichever ends early (reset by
 * its peer, or its connection lost) takes the other with it, and `destroy()` of an H2Stream
 * that has not finished sends RST_STREAM(CANCEL). Without that, a client that gives up on a
 * download leaves the upstream stream open, holding one of the upstream's concurrent streams
 * and a window of unread data, until the upstream connection runs out of streams.
 */
function proxyRequest(upstream: UpstreamSource, downstream: H2Stream, headers: IncomingHeaders): void {
  const forwarded = forwardable(headers);
  upstream().then(
    (h2) => {
      // The client may have gone while the upstream connection was opening.
      if (downstream.destroyed) return;
      // endStream: false, whatever the method: the request body, if any, is piped below.
      const up = h2.request(forwarded, { endStream: false });
      finished(downstream, (err) => {
        if (err) up.destroy();
      });
      finished(up, (err) => {
        if (err) downstream.destroy();
      });
      up.on('headers', (info) => {
        if (!downstream.destroyed) downstream.respond(forwardable(info));
      });
      up.on('response', (response) => {
        if (downstream.destroyed) return;
        downstream.respond(forwardable(response));
        up.pipe(downstream);
      });
      up.on('trailers', (trailers) => {
        if (!downstream.destroyed) downstream.sendTrailers(forwardable(trailers));
      });
      downstream.pipe(up);
    },
    () => {
      if (downstream.destroyed) return;
      downstream.respond({ ':status': 502, 'content-type': 'text/plain' });
      downstream.end('upstream unreachable\n');
    },
  );
}

/** CONNECT host:port: a TCP tunnel carried by the stream (RFC 9113 §8.5). */
function tunnel(downstream: H2Stream, authority: string): void {
  const match = /^(.*):(\d+)$/.exec(authority);
  if (match === null) {
    downstream.respond({ ':status': 400 }, { endStream: true });
    return;
  }
  const socket = net.connect({ host: (match[1] ?? '').replace(/^\[|\]$/g, ''), port: Number(match[2]) });
  socket.once('connect', () => {
    downstream.respond({ ':status': 200 });
    socket.pipe(downstream).pipe(socket);
  });
  socket.on('error', () => {
    if (!downstream.destroyed) {
      // RFC 9113 §8.5: a TCP error on the tunnel is answered with CONNECT_ERROR.
      downstream.close(0xa);
    }
  });
  downstream.on('error', () => socket.destroy());
  downstream.on('close', () => socket.end());
}

/** Makes server H2Duplex `h2` a proxy: CONNECT tunnels, everything else forwarded upstream. */
export function attachProxy(h2: H2Duplex, upstream: UpstreamSource): void {
  h2.on('stream', (stream, headers) => {
    stream.on('error', () => {
      /* reset by the client or its connection lost: proxyRequest and tunnel cancel the other side */
    });
    if (headers[':method'] === 'CONNECT') tunnel(stream, headers[':authority'] ?? '');
    else proxyRequest(upstream, stream, headers);
  });
}

/** Starts the proxy; resolves with the listening server (and a close helper). */
export async function startProxy(upstreamUrl: string, port = 0, host = '127.0.0.1'): Promise<{ server: net.Server; upstream: () => H2Duplex | null; close: () => void }> {
  const upstream = new Upstream(new URL(upstreamUrl));
  const server = net.createServer((socket) => {
    const h2 = new H2Duplex({ config: { clientSide: false } });
    socket.pipe(h2).pipe(socket);
    socket.on('error', () => h2.destroy());
    socket.on('close', () => h2.destroy());
    h2.on('error', () => socket.destroy());
    attachProxy(h2, () => upstream.get());
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    server,
    upstream: () => upstream.current,
    close: () => {
      server.close();
      upstream.close();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const upstream = process.env['UPSTREAM'] ?? 'http://127.0.0.1:8080';
  const { server } = await startProxy(upstream, Number(process.env['PORT'] ?? 8081));
  const { port } = server.address() as net.AddressInfo; // PORT=0: the one the system chose
  console.log(`h2duplex proxy: http://127.0.0.1:${port}/ -> ${upstream} (and CONNECT tunnels)`);
}

/**
 * For proxy specs: an origin server whose connections a spec can watch (`stats.openStreams`,
 * `sessionMemory`), and clients that give up on a download half way: curl with a rate limit
 * and a deadline (it closes the TCP connection), and node:http2 clients that reset their
 * stream (RST_STREAM(CANCEL)) or destroy their session after the first DATA.
 */
import http2 from 'node:http2';
import net from 'node:net';
import { expect } from 'chai';
import { handleStream, runOver } from '../../examples/server.js';
import { ErrorCodes, H2Duplex, type H2Stream, SettingCodes } from '../../src/index.js';
import { abruptClient } from './abrupt-clients.js';
import { commandPath, hasCommand, run } from './tools.js';

/** What a proxy's origin needs: a listening server, its URL, and every connection it served. */
export interface ObservedOrigin {
  url: string;
  /** The server side of every connection made to it, oldest first. */
  connections: H2Duplex[];
  close(): void;
}

/**
 * examples/server.ts's routes, plus `GET /reset-after/N`: 200, N bytes, then RST_STREAM
 * (INTERNAL_ERROR) instead of the end of the body. `maxConcurrentStreams` is advertised, so a
 * proxy that leaks upstream streams runs out of them soon.
 */
export async function startObservedOrigin(maxConcurrentStreams = 100): Promise<ObservedOrigin> {
  const connections: H2Duplex[] = [];
  const server = net.createServer((socket) => {
    const h2 = runOver(socket, new H2Duplex({ config: { clientSide: false }, settings: { [SettingCodes.INITIAL_WINDOW_SIZE]: 256 * 1024, [SettingCodes.MAX_CONCURRENT_STREAMS]: maxConcurrentStreams } }));
    connections.push(h2);
    h2.on('stream', (stream: H2Stream, headers) => {
      const path = headers[':path'] ?? '/';
      const reset = /^\/reset-after\/(\d+)$/.exec(path);
      if (reset === null) {
        handleStream(stream, headers);
        return;
      }
      stream.on('error', () => undefined);
      stream.resume();
      stream.respond([[':status', '200'], ['content-type', 'application/octet-stream']]);
      stream.write(Buffer.alloc(Number(reset[1]), 'r'), () => stream.close(ErrorCodes.INTERNAL_ERROR));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    connections,
    close: () => {
      server.close();
      for (const h2 of connections) h2.destroy();
    },
  };
}

/** How many octets `/bytes/N` downloads ask for: far more than any window on the path holds. */
export const LONG_DOWNLOAD = 1 << 30;

/** `curl --limit-rate 1M -m 0.5` on a long download: gives up after half a second and closes its connection. */
export async function curlAbortedDownload(url: string): Promise<void> {
  const r = await run(commandPath('curl'), ['-sS', '--http2-prior-knowledge', '--limit-rate', '1M', '-m', '0.5', '-o', '/dev/null', `${url}/bytes/${LONG_DOWNLOAD}`]);
  // 28: "Operation timeout" — it was still downloading when it gave up.
  expect(r.status, r.stderr).to.equal(28);
}

/**
 * A node:http2 client that starts a long download and, at its first DATA, either resets the
 * stream (RST_STREAM(CANCEL), the connection stays) or destroys the session (the TCP
 * connection closes). Resolves once it has done so.
 */
export async function http2AbortedDownload(url: string, how: 'reset the stream' | 'close the connection'): Promise<void> {
  const session = http2.connect(url);
  session.on('error', () => undefined);
  try {
    const req = session.request({ ':path': `/bytes/${LONG_DOWNLOAD}` });
    req.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      req.once('data', () => resolve());
      req.once('close', () => reject(new Error(`the download ended before its first DATA (rstCode ${req.rstCode})`)));
    });
    if (how === 'reset the stream') {
      await new Promise<void>((resolve) => req.close(http2.constants.NGHTTP2_CANCEL, resolve));
      session.close();
    } else {
      session.destroy();
    }
  } finally {
    if (how === 'close the connection') session.destroy();
  }
}

/**
 * GET `path` from `url` with node:http2; resolves with the octets received and the stream's
 * RST_STREAM code (0 when it ended normally).
 */
export async function http2Get(url: string, path: string): Promise<{ status: number; length: number; rstCode: number }> {
  const session = http2.connect(url);
  session.on('error', () => undefined);
  try {
    const req = session.request({ ':path': path });
    req.on('error', () => undefined);
    let status = 0;
    let length = 0;
    req.on('response', (h) => (status = Number(h[':status'])));
    req.on('data', (chunk: Buffer) => (length += chunk.length));
    await new Promise((resolve) => req.once('close', resolve));
    return { status, length, rstCode: req.rstCode };
  } finally {
    session.close();
  }
}

/** Polls `condition` every 20 ms until it holds; fails with `describe()` after `ms`. */
export async function eventually(condition: () => boolean, describe: () => string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`still not the case after ${ms} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Open streams and session memory of every connection, for messages. */
export function describeConnections(connections: readonly H2Duplex[]): string {
  return connections.map((h2, i) => `connection ${i}: openStreams ${h2.stats.openStreams}, sessionMemory ${h2.sessionMemory}${h2.destroyed ? ' (closed)' : ''}`).join('; ');
}

/** A proxy under test, between a client and an {@link ObservedOrigin}. */
export interface ProxyUnderTest {
  url: string;
  origin: ObservedOrigin;
  /** The connections whose streams must not leak: the origin's, and the proxy's own to it when the spec can see it. */
  upstreamConnections(): H2Duplex[];
  /** The proxy is still running (a process that has not exited). */
  alive(): boolean;
  stop(): Promise<void>;
}

/** The origin's maximum of concurrent streams: a proxy that leaked that many would hang every request. */
export const ORIGIN_MAX_STREAMS = 4;

/**
 * The specs every proxy must pass: downloads given up by the client (curl's deadline, a
 * node:http2 stream reset, a closed connection) reset the upstream stream, so the upstream
 * connections go back to no open streams and their idle session memory; more aborts than the
 * origin's stream limit leave the proxy serving; and an upstream reset resets the client's stream.
 */
export function describeProxyAborts(title: string, start: (origin: ObservedOrigin) => Promise<ProxyUnderTest>): void {
  describe(title, function () {
    this.timeout(60_000);
    let proxy: ProxyUnderTest;
    /** Each upstream connection's session memory once it first had no open streams. */
    const idleMemory = new Map<H2Duplex, number>();

    before(async function () {
      const origin = await startObservedOrigin(ORIGIN_MAX_STREAMS);
      try {
        proxy = await start(origin);
      } catch (err) {
        origin.close();
        throw err;
      }
    });

    after(async function () {
      await proxy.stop();
      proxy.origin.close();
    });

    /**
     * A new request through the proxy, then the upstream connections must settle with no open
     * streams and their idle session memory. The request travels on the same upstream
     * connection as the aborted ones, after them: once it is answered, the origin has seen
     * every earlier request, so a leaked stream cannot pass for one that was never forwarded.
     */
    async function upstreamIdle(): Promise<void> {
      const r = await http2Get(proxy.url, '/bytes/1000');
      expect(r).to.deep.equal({ status: 200, length: 1000, rstCode: 0 });
      await eventually(
        () => proxy.upstreamConnections().length > 0 && proxy.upstreamConnections().every((h2) => h2.destroyed || (h2.stats.openStreams === 0 && h2.sessionMemory === (idleMemory.get(h2) ?? h2.sessionMemory))),
        () => `upstream streams still open or memory not back to idle (${[...idleMemory.values()].join(', ')}): ${describeConnections(proxy.upstreamConnections())}`,
      );
      for (const h2 of proxy.upstreamConnections()) if (!idleMemory.has(h2)) idleMemory.set(h2, h2.sessionMemory);
      expect(proxy.alive(), 'the proxy exited').to.equal(true);
    }

    /** A client that cancels a long download (RST_STREAM) at `stage`, then resets its connection. */
    async function cancelled(stage: 'request-reset' | 'cancel-after-headers'): Promise<void> {
      const { port } = new URL(proxy.url);
      await abruptClient({ port: Number(port), request: () => [[':method', 'GET'], [':scheme', 'http'], [':authority', 'proxy'], [':path', `/bytes/${LONG_DOWNLOAD}`]] }, stage);
    }

    it('cancels the upstream stream of a request cancelled while the proxy connects to the upstream', async function () {
      await cancelled('cancel-after-headers');
      await upstreamIdle();
    });

    for (const stage of ['request-reset', 'cancel-after-headers'] as const) {
      it(`cancels the upstream stream of each request reset ${stage === 'request-reset' ? 'in the packet that carried it' : 'once the proxy has seen it'}`, async function () {
        for (let i = 0; i < 3; i++) await cancelled(stage);
        await upstreamIdle();
      });
    }

    if (hasCommand('curl')) {
      it('cancels the upstream stream of each download curl gives up on (--limit-rate 1M -m 0.5)', async function () {
        for (let i = 0; i < 3; i++) await curlAbortedDownload(proxy.url);
        await upstreamIdle();
      });
    } else {
      it.skip('skipped: curl is not installed (apt-get install curl)');
    }

    for (const how of ['reset the stream', 'close the connection'] as const) {
      it(`cancels the upstream stream of each download whose node:http2 client ${how === 'reset the stream' ? 'resets its stream' : 'closes its connection'} mid-body`, async function () {
        for (let i = 0; i < 3; i++) await http2AbortedDownload(proxy.url, how);
        await upstreamIdle();
      });
    }

    it(`still answers after ${3 * ORIGIN_MAX_STREAMS} aborted downloads (the origin allows ${ORIGIN_MAX_STREAMS} concurrent streams)`, async function () {
      for (let i = 0; i < 3 * ORIGIN_MAX_STREAMS; i++) await http2AbortedDownload(proxy.url, i % 2 === 0 ? 'reset the stream' : 'close the connection');
      await upstreamIdle();
    });

    it('resets the client\'s stream when the upstream resets its response mid-body', async function () {
      const got = await Promise.race([
        http2Get(proxy.url, '/reset-after/100000'),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000)),
      ]);
      expect(got, "the client's stream was neither reset nor ended within 5 s").to.not.equal(null);
      expect(got?.rstCode, 'RST_STREAM code seen by the client').to.not.equal(0);
      expect(got?.length).to.be.below(100001);
      await upstreamIdle();
    });
  });
}

/**
 * examples/proxy.ts: end-to-end backpressure through two HTTP/2 hops (client → proxy →
 * upstream server, all over TCP), and CONNECT tunnelling to a TCP server.
 */
import { createHash } from 'node:crypto';
import http2 from 'node:http2';
import net from 'node:net';
import { expect } from 'chai';
import { connectTo } from '../../examples/client.js';
import { attachProxy, startProxy } from '../../examples/proxy.js';
import { handleStream, startServer } from '../../examples/server.js';
import { createPair, type EventHeaders, H2Duplex } from '../../src/index.js';
import { asObject, collect } from '../helpers/streams.js';

describe('examples/proxy', function () {
  this.timeout(180_000);
  let upstream: net.Server;
  let proxy: { server: net.Server; close: () => void };
  let proxyUrl: string;

  before(async function () {
    upstream = await startServer(0);
    proxy = await startProxy(`http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`, 0);
    proxyUrl = `http://127.0.0.1:${(proxy.server.address() as net.AddressInfo).port}`;
  });

  after(function () {
    proxy.close();
    upstream.close();
  });

  it('carries 256 MiB to a slow consumer intact, with RSS growth under 64 MiB', async function () {
    const total = 256 * 1024 * 1024;
    const socket = await connectTo(new URL(proxyUrl));
    const h2 = new H2Duplex();
    socket.pipe(h2).pipe(socket);
    // RSS counts garbage too: V8 collects Buffers only once ~64 MiB of external memory has
    // piled up since its last GC, whatever the program keeps. What must stay bounded is what
    // is *kept* (buffered on the path), so each sample collects first (.mocharc: --expose-gc).
    const collectGarbage = (): void => (global as { gc?: () => void }).gc?.();
    // RSS alone can hide growth (memory freed by earlier specs stays in the process), so the
    // live total (JS heap + Buffers, after GC) is tracked as well.
    const live = (): number => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    collectGarbage();
    const baseline = process.memoryUsage().rss;
    const liveBaseline = live();
    let peak = baseline;
    let livePeak = liveBaseline;
    // Every 200 ms: a full GC with every spec file loaded takes tens of milliseconds, and on a
    // shared machine sampling every 25 ms left the transfer little time to run.
    const sampler = setInterval(() => {
      collectGarbage();
      peak = Math.max(peak, process.memoryUsage().rss);
      livePeak = Math.max(livePeak, live());
    }, 200);
    const req = h2.request([[':method', 'GET'], [':scheme', 'http'], [':authority', 'proxy'], [':path', `/bytes/${total}`]], { endStream: true });
    const hash = createHash('sha256');
    let received = 0;
    let sinceNap = 0;
    for await (const chunk of req) {
      const b = chunk as Buffer;
      hash.update(b);
      received += b.length;
      sinceNap += b.length;
      // A slow consumer: a 2 ms nap after every 4 MiB (at most ~2 GB/s, far below a socket's pace... but
      // every nap stops reading long enough for every window on the path to fill).
      if (sinceNap >= 4 * 1024 * 1024) {
        sinceNap = 0;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }
    clearInterval(sampler);
    await h2.close();
    socket.end();
    expect(received).to.equal(total);
    const expected = createHash('sha256');
    const block = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < total / block.length; i++) expected.update(block);
    expect(hash.digest('hex')).to.equal(expected.digest('hex'));
    const growthMiB = (peak - baseline) / (1024 * 1024);
    const liveMiB = (livePeak - liveBaseline) / (1024 * 1024);
    console.log(`      256 MiB through the proxy: peak RSS growth ${growthMiB.toFixed(1)} MiB, peak live (heap + Buffers) growth ${liveMiB.toFixed(1)} MiB (sampled after GC)`);
    expect(growthMiB, `peak RSS growth ${growthMiB.toFixed(1)} MiB`).to.be.below(64);
    expect(liveMiB, `peak live memory growth ${liveMiB.toFixed(1)} MiB`).to.be.below(64);
  });

  it('tunnels CONNECT to a TCP echo server (RFC 9113 §8.5)', async function () {
    const echo = net.createServer((s) => {
      s.on('error', () => s.destroy());
      s.pipe(s);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const target = `127.0.0.1:${(echo.address() as net.AddressInfo).port}`;
    const session = http2.connect(proxyUrl);
    session.on('error', () => undefined);
    try {
      const req = session.request({ ':method': 'CONNECT', ':authority': target });
      const status = await new Promise<number>((resolve) => req.once('response', (h) => resolve(Number(h[':status']))));
      expect(status).to.equal(200);
      req.write('through the tunnel');
      const echoed = await new Promise<string>((resolve) => req.once('data', (d: Buffer) => resolve(d.toString())));
      expect(echoed).to.equal('through the tunnel');
      req.close();
    } finally {
      session.close();
      echo.close();
    }
  });

  for (const chunkSize of [1, 'random'] as const) {
    it(`proxies GET and POST over createPair hops with ${chunkSize === 1 ? '1-byte' : 'random'} chunks`, async function () {
      // client --pair A--> proxy --pair B--> origin (the example server's handler)
      const a = createPair({ chunkSize });
      const b = createPair({ chunkSize });
      b.server.on('stream', handleStream);
      attachProxy(a.server, () => Promise.resolve(b.client));
      const get = a.client.request([[':method', 'GET'], [':scheme', 'http'], [':authority', 'p'], [':path', '/bytes/40000']], { endStream: true });
      const getHeaders = new Promise<EventHeaders>((resolve) => get.once('response', resolve));
      expect((await collect(get)).length).to.equal(40000);
      expect(asObject(await getHeaders)['content-length']).to.equal('40000');
      const post = a.client.request([[':method', 'POST'], [':scheme', 'http'], [':authority', 'p'], [':path', '/echo']]);
      post.end('through two hops');
      expect((await collect(post)).toString()).to.equal('through two hops');
      await a.client.close();
      await b.client.close();
    });
  }
});

/**
 * examples/proxy.ts when clients give up: each aborted download (curl's deadline, a node:http2
 * client resetting its stream or closing its connection mid-body) must reset the upstream
 * stream, so that both ends of the upstream connection, the proxy's client H2Duplex and the
 * origin's server H2Duplex, go back to no open streams and their idle session memory; and a
 * reset from the upstream must reset the client's stream. The proxy runs in this process so
 * its upstream H2Duplex can be watched.
 */
import type net from 'node:net';
import { attachProxy, startProxy } from '../../examples/proxy.js';
import { createPair, ErrorCodes, type H2Duplex, type H2Stream } from '../../src/index.js';
import { describeConnections, describeProxyAborts, eventually } from '../helpers/aborted-downloads.js';
import { next } from '../helpers/streams.js';

describeProxyAborts('examples/proxy: aborted downloads reach the upstream', async (origin) => {
  const proxy = await startProxy(origin.url, 0);
  return {
    url: `http://127.0.0.1:${(proxy.server.address() as net.AddressInfo).port}`,
    origin,
    upstreamConnections: () => {
      const own = proxy.upstream();
      return own === null ? [...origin.connections] : [own, ...origin.connections];
    },
    alive: () => true,
    stop: () => {
      proxy.close();
      return Promise.resolve();
    },
  };
});


describe('examples/proxy: a request cancelled while the upstream connection is opening', function () {
  it('neither crashes the proxy (respond() on a closed stream) nor leaves a stream open upstream', async function () {
    // client --pair A--> attachProxy --pair B--> origin; the proxy's upstream connection
    // becomes available only once the client's request has been reset.
    const a = createPair();
    const b = createPair();
    // An origin whose response never ends: only a reset closes the stream.
    b.server.on('stream', (stream: H2Stream) => {
      stream.on('error', () => undefined);
      stream.respond([[':status', '200']]);
      stream.write('the first of many octets');
    });
    let connected: (h2: H2Duplex) => void = () => undefined;
    const upstream = new Promise<H2Duplex>((resolve) => (connected = resolve));
    attachProxy(a.server, () => upstream);
    const proxied = next<H2Stream>(a.server, 'stream');
    const req = a.client.request([[':method', 'GET'], [':scheme', 'http'], [':authority', 'p'], [':path', '/forever']], { endStream: true });
    const down = await proxied;
    req.close(ErrorCodes.CANCEL);
    await new Promise((resolve) => down.once('close', resolve));
    connected(b.client);
    await eventually(
      () => b.client.stats.openStreams === 0 && b.server.stats.openStreams === 0,
      () => `upstream: ${describeConnections([b.client, b.server])}`,
      2000,
    );
    a.client.destroy();
    b.client.destroy();
  });
});

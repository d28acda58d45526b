/**
 * The adapter speaks node:http2's shapes: header objects in, header objects (plus flags and
 * raw headers) out, node's defaults for request(), waitForTrailers, additionalHeaders, the
 * callback forms of ping()/settings()/close()/pushStream(), and settings by name.
 */
import http2 from 'node:http2';
import { expect } from 'chai';
import { createPair, type H2Duplex, type H2Stream, type IncomingHeaders, isNeverIndexed, sensitiveHeaders, toHeaderList, toHeaderObject, toRawHeaders } from '../../src/index.js';
import { collect, next } from '../helpers/streams.js';
import { thrown } from '../helpers/thrown.js';

function pair(): { client: H2Duplex; server: H2Duplex } {
  return createPair({ client: { authority: 'https://example.test' } });
}

function serverStream(server: H2Duplex): Promise<[H2Stream, IncomingHeaders, number, string[]]> {
  return new Promise((resolve) => {
    server.once('stream', (stream, headers, flags, raw) => {
      resolve([stream, headers, flags, raw]);
    });
  });
}

describe("the adapter in node:http2's shapes", function () {
  describe('outgoing header objects (toHeaderList)', function () {
    it('lowercases names, stringifies numbers, repeats arrays, skips undefined, puts pseudo-headers first', function () {
      const list = toHeaderList({ 'Content-Length': 12, 'set-cookie': ['a=1', 'b=2'], ':status': 200, 'x-gone': undefined }, 'test');
      expect(list).to.deep.equal([[':status', '200'], ['content-length', '12'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']]);
    });

    it('marks the names under http2.sensitiveHeaders never-indexed; that symbol is node:http2\'s own', function () {
      expect(sensitiveHeaders).to.equal(http2.sensitiveHeaders);
      const list = toHeaderList({ authorization: 'secret', cookie: 'c=1', [sensitiveHeaders]: ['Authorization'] }, 'test');
      expect(list.map((pair) => isNeverIndexed(pair))).to.deep.equal([true, false]);
    });

    it("refuses what node:http2 refuses, with codes", function () {
      expect(thrown(() => toHeaderList({ ':bogus': 'x' }, 'test'))).to.be.instanceOf(TypeError).and.have.property('code', 'ERR_H2_INVALID_PSEUDOHEADER');
      expect(thrown(() => toHeaderList({ connection: 'close' }, 'test'))).to.have.property('code', 'ERR_H2_INVALID_CONNECTION_HEADER');
      expect(thrown(() => toHeaderList({ te: 'gzip' }, 'test'))).to.have.property('code', 'ERR_H2_INVALID_CONNECTION_HEADER');
      expect(toHeaderList({ te: 'trailers' }, 'test')).to.deep.equal([['te', 'trailers']]);
      expect(thrown(() => toHeaderList({ 'content-type': ['a', 'b'] }, 'test'))).to.have.property('code', 'ERR_H2_HEADER_SINGLE_VALUE');
      expect(thrown(() => toHeaderList({ 'Content-Type': 'a', 'content-type': 'b' }, 'test'))).to.have.property('code', 'ERR_H2_HEADER_SINGLE_VALUE');
      expect(thrown(() => toHeaderList({ 'x-a': { nested: true } } as never, 'test'))).to.have.property('code', 'ERR_H2_INVALID_HEADER');
    });

    it('takes pairs as they are (h2\'s form)', function () {
      expect(toHeaderList([[':status', '200'], ['x', 'y']], 'test')).to.deep.equal([[':status', '200'], ['x', 'y']]);
      expect(toHeaderList(new Map([['x', 'y']]), 'test')).to.deep.equal([['x', 'y']]);
    });
  });

  describe('incoming header objects (toHeaderObject, toRawHeaders)', function () {
    it("joins repeats as node:http2 does: set-cookie an array, cookie with '; ', others with ', ', single-value fields keep the first", function () {
      const pairs: Array<[string, string]> = [[':status', '200'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['cookie', 'x=1'], ['cookie', 'y=2'], ['accept', 'a'], ['accept', 'b'], ['content-type', 'text/plain'], ['content-type', 'text/html']];
      const obj = toHeaderObject(pairs);
      // No inherited members, as node's null-prototype objects: a peer's `constructor` or `__proto__` field is an own property.
      for (const inherited of ['constructor', 'toString', 'hasOwnProperty']) expect(inherited in obj, inherited).to.equal(false);
      const odd = toHeaderObject([['__proto__', 'p'], ['constructor', 'c']]);
      expect(Object.keys(odd)).to.deep.equal(['__proto__', 'constructor']);
      expect(odd['constructor']).to.equal('c');
      expect(Object.fromEntries(Object.entries(obj))).to.deep.equal({ ':status': 200, 'set-cookie': ['a=1', 'b=2'], cookie: 'x=1; y=2', accept: 'a, b', 'content-type': 'text/plain' });
      expect(obj[sensitiveHeaders]).to.deep.equal([]);
      expect(toRawHeaders(pairs).slice(0, 4)).to.deep.equal([':status', '200', 'set-cookie', 'a=1']);
    });
  });

  describe('over a pair', function () {
    it("request() fills node's defaults and ends a GET; 'stream' gets (stream, headers, flags, rawHeaders, event)", async function () {
      const { client, server } = pair();
      const incoming = serverStream(server);
      const req = client.request({ ':path': '/a', 'x-list': ['1', '2'] });
      expect(req.writableEnded).to.equal(true);
      expect(req.sentHeaders).to.deep.include({ ':path': '/a' });
      const [stream, headers, flags, raw] = await incoming;
      expect(headers).to.deep.include({ ':method': 'GET', ':scheme': 'https', ':authority': 'example.test', ':path': '/a', 'x-list': '1, 2' });
      expect(flags & 0x1).to.equal(0x1); // END_STREAM
      expect(stream.endAfterHeaders).to.equal(true);
      expect(raw.slice(0, 2)).to.deep.equal([':method', 'GET']);
      stream.respond();
      stream.end('ok');
      const [response] = await Promise.all([next<IncomingHeaders>(req, 'response'), collect(req)]);
      expect(response[':status']).to.equal(200);
    });

    it('a POST stays open for its body; HEAD and 204 responses end with their headers', async function () {
      const { client, server } = pair();
      const incoming = serverStream(server);
      const post = client.request({ ':method': 'POST' });
      expect(post.writableEnded).to.equal(false);
      post.end('body');
      const [stream] = await incoming;
      expect((await collect(stream)).toString()).to.equal('body');
      stream.respond({ ':status': 204 });
      expect(stream.writableEnded).to.equal(true);
      const [head] = await Promise.all([next<IncomingHeaders>(post, 'response'), collect(post)]);
      expect(head[':status']).to.equal(204);

      const again = serverStream(server);
      const headReq = client.request({ ':method': 'HEAD' });
      const [headStream] = await again;
      headStream.respond({ 'content-length': 10 });
      expect(headStream.writableEnded).to.equal(true);
      expect((await collect(headReq)).length).to.equal(0);
    });

    it("waitForTrailers: 'wantTrailers' after the body, then sendTrailers() ends the stream", async function () {
      const { client, server } = pair();
      server.on('stream', (stream) => {
        stream.respond({ ':status': 200 }, { waitForTrailers: true });
        stream.on('wantTrailers', () => {
          stream.sendTrailers({ 'x-checksum': 'abc' });
        });
        stream.end('body');
      });
      const req = client.request();
      const trailers = next<IncomingHeaders>(req, 'trailers');
      expect((await collect(req)).toString()).to.equal('body');
      expect(await trailers).to.deep.include({ 'x-checksum': 'abc' });
    });

    it('additionalHeaders() sends a 1xx the client sees as \'headers\'; a non-1xx is refused', async function () {
      const { client, server } = pair();
      let refused: Error | undefined;
      server.on('stream', (stream) => {
        stream.additionalHeaders({ ':status': 103, link: '</a.css>; rel=preload' });
        refused = thrown(() => { stream.additionalHeaders({ ':status': 200 }); });
        stream.respond({ ':status': 200 }, { endStream: true });
        expect(stream.sentInfoHeaders).to.have.length(1);
      });
      const req = client.request();
      const info = next<IncomingHeaders>(req, 'headers');
      await collect(req);
      expect(await info).to.deep.include({ ':status': 103, link: '</a.css>; rel=preload' });
      expect(refused).to.have.property('code', 'ERR_H2_OUT_OF_RANGE');
    });

    it("pushStream() with node's callback; the client gets the push on 'stream' and its response on 'push'", async function () {
      const { client, server } = pair();
      server.on('stream', (stream) => {
        stream.pushStream({ ':path': '/style.css' }, (err, pushed, headers) => {
          expect(err).to.equal(null);
          expect(headers).to.deep.include({ ':path': '/style.css' });
          pushed.respond({ 'content-type': 'text/css' });
          pushed.end('b{}');
          stream.respond();
          stream.end('page');
        });
      });
      const pushed = new Promise<[IncomingHeaders, Promise<IncomingHeaders>, Promise<Buffer>]>((resolve) => {
        client.on('stream', (stream, headers) => {
          resolve([headers, next<IncomingHeaders>(stream, 'push'), collect(stream)]);
        });
      });
      const req = client.request();
      expect((await collect(req)).toString()).to.equal('page');
      const [requestHeaders, response, body] = await pushed;
      expect(requestHeaders).to.deep.include({ ':method': 'GET', ':path': '/style.css', ':authority': 'example.test' });
      expect((await response)['content-type']).to.equal('text/css');
      expect((await body).toString()).to.equal('b{}');
    });

    it('ping(), settings() and close() take node\'s callbacks; settings by name; localSettings/remoteSettings by name', async function () {
      const { client, server } = pair();
      const [err, duration, payload] = await new Promise<[Error | null, number, Buffer]>((resolve) => {
        client.ping(Buffer.from('12345678'), (...args) => {
          resolve(args);
        });
      });
      expect(err).to.equal(null);
      expect(duration).to.be.a('number');
      expect(payload.toString()).to.equal('12345678');
      const [settingsErr, local] = await new Promise<[Error | null, { initialWindowSize: number }]>((resolve) => {
        client.settings({ initialWindowSize: 100_000, enablePush: false }, (e, s) => {
          resolve([e, s]);
        });
      });
      expect(settingsErr).to.equal(null);
      expect(local.initialWindowSize).to.equal(100_000);
      expect(client.localSettings.enablePush).to.equal(false);
      expect(server.remoteSettings.initialWindowSize).to.equal(100_000);
      expect(client.type).to.equal(1);
      expect(server.type).to.equal(0);
      expect(await client.settings({ bogus: 1 } as never).catch((e: unknown) => e)).to.have.property('code', 'ERR_H2_INVALID_OPTION');
      await new Promise<void>((resolve) => {
        client.close(resolve);
      });
      expect(client.closing).to.equal(true);
    });

    it("a client's reset before the response emits 'aborted' and sets aborted; respond() then names the closed stream", async function () {
      const { client, server } = pair();
      const incoming = serverStream(server);
      const req = client.request({ ':method': 'POST' });
      const [stream] = await incoming;
      stream.on('error', () => undefined);
      const aborted = next(stream, 'aborted');
      req.close();
      await aborted;
      expect(stream.aborted).to.equal(true);
      expect(thrown(() => { stream.respond(); })).to.have.property('code', 'ERR_H2_STREAM_CLOSED');
    });

    it("a server stream that only responds closes though nobody read the request, as node's does", async function () {
      const { client, server } = pair();
      const closed = new Promise<void>((resolve) => {
        server.on('stream', (stream) => {
          stream.respond();
          stream.end('ok');
          stream.on('close', resolve);
        });
      });
      expect((await collect(client.request())).toString()).to.equal('ok');
      await closed;
    });

    it("empty trailers after 'wantTrailers' end the stream without a HEADERS frame (no 'trailers' event), as node's", async function () {
      const { client, server } = pair();
      server.on('stream', (stream) => {
        stream.respond({}, { waitForTrailers: true });
        stream.on('wantTrailers', () => {
          stream.sendTrailers({});
        });
        stream.end('body');
      });
      const req = client.request();
      let trailers = 0;
      req.on('trailers', () => trailers++);
      expect((await collect(req)).toString()).to.equal('body');
      expect(trailers).to.equal(0);
    });

    it("'aborted' when the stream closes before our side ends, however it closes (a local destroy too); pushAllowed follows the client's setting", async function () {
      const { client, server } = createPair({ client: { authority: 'http://x', settings: { enablePush: false } } });
      const incoming = serverStream(server);
      client.request({ ':method': 'POST' }).on('error', () => undefined);
      const [stream] = await incoming;
      expect(stream.pushAllowed).to.equal(false);
      const aborted = next(stream, 'aborted');
      stream.destroy();
      await aborted;
      expect(stream.aborted).to.equal(true);
      const { client: c2, server: s2 } = pair();
      const second = serverStream(s2);
      c2.request({ ':method': 'POST' }).on('error', () => undefined);
      const [open] = await second;
      expect(open.pushAllowed).to.equal(true);
      open.on('aborted', () => expect.fail('an ended stream is not aborted'));
      open.respond({ ':status': 204 });
    });

    it("opens at most 100 streams before the peer's SETTINGS arrive, as nghttp2 does: a first burst of 150 is not refused by a server allowing 100", async function () {
      const { client, server } = createPair({ client: { authority: 'http://x' }, server: { settings: { maxConcurrentStreams: 100 } } });
      server.on('stream', (stream) => {
        stream.respond();
        stream.end('ok');
      });
      const bodies = await Promise.all(Array.from({ length: 150 }, () => collect(client.request())));
      expect(bodies.filter((b) => b.toString() === 'ok')).to.have.length(150);
    });

    it('setTimeout() on the session emits timeout after quiet, and the request signal aborts a stream', async function () {
      const { client } = pair();
      const timedOut = next(client.setTimeout(20), 'timeout');
      await timedOut;
      const controller = new AbortController();
      const req = client.request({ ':method': 'POST' }, { signal: controller.signal });
      const closed = new Promise<Error>((resolve) => req.once('error', resolve));
      controller.abort();
      expect(await closed).to.have.property('name', 'AbortError');
    });
  });
});

/**
 * node:http2's compatibility API (src/node/compat-request.ts, compat-response.ts) as a
 * differential spec: every test body runs twice, once against node:http2's own
 * `createServer()` and its Http2ServerRequest/Http2ServerResponse, once against ours built on
 * an H2Duplex per TCP connection (`new Http2ServerRequest(stream, headers, undefined,
 * rawHeaders)` and `new Http2ServerResponse(stream)` on each `'stream'`, as node's server
 * does), with a node:http2 client making the requests over 127.0.0.1. What differs is only
 * the error codes (ours are `ERR_H2_*`, mapped in CODES).
 */
import http2 from 'node:http2';
import net from 'node:net';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { H2Duplex } from '../../src/index.js';
import { Http2ServerRequest } from '../../src/node/compat-request.js';
import { Http2ServerResponse } from '../../src/node/compat-response.js';

type Handler = (req: Http2ServerRequest, res: Http2ServerResponse) => void;

/** A server on 127.0.0.1 and a node:http2 client session to it. */
interface Harness {
  client: http2.ClientHttp2Session;
  close(): Promise<void>;
}

/** What one side calls the same error. */
const CODES = {
  'node:http2': {
    headersSent: 'ERR_HTTP2_HEADERS_SENT',
    infoStatus: 'ERR_HTTP2_INFO_STATUS_NOT_ALLOWED',
    statusInvalid: 'ERR_HTTP2_STATUS_INVALID',
    pseudoHeader: 'ERR_HTTP2_PSEUDOHEADER_NOT_ALLOWED',
    headerValue: 'ERR_HTTP2_INVALID_HEADER_VALUE',
    headerName: 'ERR_INVALID_HTTP_TOKEN',
    connectionHeader: 'ERR_HTTP2_INVALID_CONNECTION_HEADERS',
    noSocketManipulation: 'ERR_HTTP2_NO_SOCKET_MANIPULATION',
    writeAfterEnd: 'ERR_STREAM_WRITE_AFTER_END',
    argType: 'ERR_INVALID_ARG_TYPE',
    argValue: 'ERR_INVALID_ARG_VALUE',
    pushDisabled: 'ERR_HTTP2_PUSH_DISABLED',
  },
  h2duplex: {
    headersSent: 'ERR_H2_HEADERS_SENT',
    infoStatus: 'ERR_H2_OUT_OF_RANGE',
    statusInvalid: 'ERR_H2_OUT_OF_RANGE',
    pseudoHeader: 'ERR_H2_INVALID_PSEUDOHEADER',
    headerValue: 'ERR_H2_INVALID_HEADER',
    headerName: 'ERR_H2_INVALID_HEADER',
    connectionHeader: 'ERR_H2_INVALID_CONNECTION_HEADER',
    noSocketManipulation: 'ERR_H2_NO_SOCKET_MANIPULATION',
    writeAfterEnd: 'ERR_STREAM_WRITE_AFTER_END',
    argType: 'ERR_H2_INVALID_ARG',
    argValue: 'ERR_H2_INVALID_ARG',
    // The core's refusal (h2's ProtocolError); node:http2 has a code of its own.
    pushDisabled: 'ERR_H2_PUSH_DISABLED',
  },
} as const;
type Side = keyof typeof CODES;

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

async function connectClient(port: number, clientSettings?: http2.Settings): Promise<http2.ClientHttp2Session> {
  const client = http2.connect(`http://127.0.0.1:${port}`, clientSettings === undefined ? {} : { settings: clientSettings });
  client.on('error', () => {});
  await new Promise((resolve) => client.once('connect', resolve));
  return client;
}

/** node:http2's own server: its 'request' (and 'checkContinue', so the handler answers `expect` itself, as ours must). */
async function nodeHarness(handler: Handler, clientSettings?: http2.Settings): Promise<Harness> {
  const server = http2.createServer();
  const onRequest = (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse): void => {
    handler(req as unknown as Http2ServerRequest, res as unknown as Http2ServerResponse);
  };
  server.on('request', onRequest);
  server.on('checkContinue', onRequest);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  const client = await connectClient(await listen(server), clientSettings);
  return {
    client,
    async close() {
      client.destroy();
      for (const session of sessions) session.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Ours: a net.Server, one H2Duplex per connection, the compatibility objects made on each 'stream'. */
async function oursHarness(handler: Handler, clientSettings?: http2.Settings): Promise<Harness> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const h2 = new H2Duplex({ config: { clientSide: false } });
    socket.pipe(h2).pipe(socket);
    socket.on('error', () => h2.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      h2.destroy();
    });
    h2.on('error', () => {});
    h2.on('close', () => socket.end(() => socket.destroy()));
    h2.on('stream', (stream, headers, _flags, rawHeaders) => {
      const req = new Http2ServerRequest(stream, headers, undefined, rawHeaders);
      const res = new Http2ServerResponse(stream);
      handler(req, res);
    });
  });
  const client = await connectClient(await listen(server), clientSettings);
  return {
    client,
    async close() {
      client.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** What the client saw of one exchange. */
interface Exchange {
  headers: http2.IncomingHttpHeaders;
  body: Buffer;
  trailers: http2.IncomingHttpHeaders | undefined;
  informational: http2.IncomingHttpHeaders[];
}

/** One request from the node:http2 client; resolves when its stream closes. */
function exchange(client: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body?: string | Buffer, options: http2.ClientSessionRequestOptions = {}): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const hasBody = body !== undefined;
    const req = client.request(headers, { endStream: !hasBody, ...options });
    const chunks: Buffer[] = [];
    const informational: http2.IncomingHttpHeaders[] = [];
    let response: http2.IncomingHttpHeaders | undefined;
    let trailers: http2.IncomingHttpHeaders | undefined;
    req.on('headers', (h) => informational.push(h));
    req.on('response', (h) => (response = h));
    req.on('trailers', (h: http2.IncomingHttpHeaders) => (trailers = h));
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', reject);
    req.on('close', () => {
      if (response === undefined) reject(new Error(`no response; rstCode ${req.rstCode}`));
      else resolve({ headers: response, body: Buffer.concat(chunks), trailers, informational });
    });
    if (hasBody) req.end(body);
  });
}

/** What `fn` threw, or a failure when it did not. */
function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

const HARNESSES: Record<Side, (handler: Handler, clientSettings?: http2.Settings) => Promise<Harness>> = { 'node:http2': nodeHarness, h2duplex: oursHarness };

for (const side of Object.keys(HARNESSES) as Side[]) {
  const codes = CODES[side];
  const start = HARNESSES[side];

  describe(`compatibility API (${side})`, () => {
    let harness: Harness | undefined;
    /** Starts the server with `handler` and returns its client. */
    async function serve(handler: Handler, clientSettings?: http2.Settings): Promise<http2.ClientHttp2Session> {
      harness = await start(handler, clientSettings);
      return harness.client;
    }
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });

    it('gives the request line and headers as node:http does, and answers a GET with a date header', async () => {
      let seen: Record<string, unknown> = {};
      const client = await serve((req, res) => {
        seen = {
          method: req.method, url: req.url, authority: req.authority, scheme: req.scheme,
          httpVersion: req.httpVersion, major: req.httpVersionMajor, minor: req.httpVersionMinor,
          custom: req.headers['x-custom'], raw: req.rawHeaders.includes('x-custom'),
          sameStream: res.stream === req.stream && res.req === req, complete: req.complete,
          statusCode: res.statusCode, statusMessage: res.statusMessage, sendDate: res.sendDate,
        };
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ ok: true }));
      });
      const got = await exchange(client, { ':path': '/a?b=1', 'x-custom': 'v' });
      expect(seen).to.deep.equal({
        method: 'GET', url: '/a?b=1', authority: got.headers[':authority'] ?? seen['authority'], scheme: 'http',
        httpVersion: '2.0', major: 2, minor: 0, custom: 'v', raw: true, sameStream: true, complete: false,
        statusCode: 200, statusMessage: '', sendDate: true,
      });
      expect(seen['authority']).to.match(/^127\.0\.0\.1:\d+$/);
      expect(got.headers[':status']).to.equal(200);
      expect(got.headers['content-type']).to.equal('application/json');
      expect(new Date(String(got.headers['date'])).getTime()).to.be.a('number').and.not.NaN;
      expect(JSON.parse(got.body.toString())).to.deep.equal({ ok: true });
    });

    it('echoes a POSTed JSON body read with for await, and the request is complete after its end', async () => {
      let completeAfter: boolean | undefined;
      const client = await serve((req, res) => {
        void (async () => {
          const chunks: Buffer[] = [];
          for await (const chunk of req) chunks.push(chunk as Buffer);
          completeAfter = req.complete;
          const body = JSON.parse(Buffer.concat(chunks).toString()) as unknown;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ echo: body, method: req.method }));
        })();
      });
      const payload = { name: 'h2', list: [1, 2, 3], big: 'x'.repeat(100_000) };
      const got = await exchange(client, { ':method': 'POST', ':path': '/echo', 'content-type': 'application/json' }, JSON.stringify(payload));
      expect(JSON.parse(got.body.toString())).to.deep.equal({ echo: payload, method: 'POST' });
      expect(completeAfter).to.equal(true);
    });

    it("a client that does not read holds the writer: once the client's window is spent, write() has returned false and the rest waits for 'drain'", async () => {
      const total = 4 * 1024 * 1024;
      const chunk = Buffer.alloc(16 * 1024, 7);
      let written = 0;
      let drains = 0;
      let finished = false;
      const client = await serve((_req, res) => {
        res.on('finish', () => (finished = true));
        const pump = (): void => {
          while (written < total) {
            written += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', () => {
                drains++;
                pump();
              });
              return;
            }
          }
          res.end();
        };
        pump();
      });
      const req = client.request({ ':path': '/big' });
      req.pause();
      await new Promise((resolve) => req.once('response', resolve));
      // The client reads nothing: the server may send one stream window (65,535), no more.
      while (req.state.localWindowSize !== 0) await new Promise((resolve) => setImmediate(resolve));
      expect(finished).to.equal(false);
      expect(written).to.be.below(512 * 1024);
      let received = 0;
      req.on('data', (c: Buffer) => (received += c.length));
      req.resume();
      await new Promise((resolve) => req.on('end', resolve));
      expect(received).to.equal(total);
      expect(written).to.equal(total);
      expect(drains).to.be.at.least(1);
    });

    it('reads the request body only as the request is read: the client cannot finish sending before the server reads', async () => {
      const total = 1024 * 1024;
      let clientFinished = false;
      let buffered = -1;
      let length = 0;
      const client = await serve((req, res) => {
        const stream = req.stream as unknown as { readableLength: number };
        const wait = (): void => {
          const now = stream.readableLength + req.readableLength;
          if (now < 32 * 1024) {
            setImmediate(wait);
            return;
          }
          buffered = now;
          expect(clientFinished).to.equal(false);
          req.on('data', (c: Buffer) => (length += c.length));
          req.on('end', () => res.end(String(length)));
        };
        wait();
      });
      const req = client.request({ ':method': 'POST', ':path': '/upload' }, { endStream: false });
      req.on('finish', () => (clientFinished = true));
      req.end(Buffer.alloc(total, 1));
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      await new Promise((resolve) => req.on('end', resolve));
      expect(Buffer.concat(chunks).toString()).to.equal(String(total));
      expect(buffered).to.be.within(32 * 1024, 256 * 1024);
    });

    it('sets, reads and removes headers by any case, and sends what is left', async () => {
      let seen: Record<string, unknown> = {};
      const client = await serve((_req, res) => {
        res.setHeader('X-Number', 42);
        res.setHeader('x-list', ['a', 'b']);
        res.setHeader('X-Gone', 'soon');
        seen = {
          number: res.getHeader('x-number'), list: res.getHeader('X-LIST'), has: res.hasHeader('x-gone'),
          names: res.getHeaderNames(), proto: Object.getPrototypeOf(res.getHeaders()) as unknown,
        };
        res.removeHeader('x-GONE');
        seen['hasAfter'] = res.hasHeader('x-gone');
        res.end();
      });
      const got = await exchange(client, { ':path': '/' });
      expect(seen).to.deep.equal({ number: 42, list: ['a', 'b'], has: true, names: ['x-number', 'x-list', 'x-gone'], proto: null, hasAfter: false });
      expect(got.headers['x-number']).to.equal('42');
      expect(got.headers['x-list']).to.equal('a, b');
      expect(got.headers['x-gone']).to.equal(undefined);
    });

    it('writeHead takes a status with an object, with a reason phrase, with pairs, and with a flat list that replaces what was set', async () => {
      const client = await serve((req, res) => {
        if (req.url === '/object') res.writeHead(201, { 'X-A': '1' }).end();
        else if (req.url === '/message') res.writeHead(202, 'Accepted', { 'x-a': '2' }).end();
        else if (req.url === '/pairs') res.writeHead(203, [['x-a', '3'], ['x-b', '4']]).end();
        else {
          res.setHeader('x-a', 'replaced');
          res.setHeader('x-keep', 'kept');
          res.writeHead(204, ['x-a', '5', 'x-a', '6']).end();
        }
      });
      const object = await exchange(client, { ':path': '/object' });
      expect([object.headers[':status'], object.headers['x-a']]).to.deep.equal([201, '1']);
      const message = await exchange(client, { ':path': '/message' });
      expect([message.headers[':status'], message.headers['x-a']]).to.deep.equal([202, '2']);
      const pairs = await exchange(client, { ':path': '/pairs' });
      expect([pairs.headers[':status'], pairs.headers['x-a'], pairs.headers['x-b']]).to.deep.equal([203, '3', '4']);
      const flat = await exchange(client, { ':path': '/flat' });
      expect([flat.headers[':status'], flat.headers['x-a'], flat.headers['x-keep']]).to.deep.equal([204, '5, 6', 'kept']);
    });

    it('sends each set-cookie as its own field (setHeader with an array, then appendHeader)', async () => {
      const client = await serve((_req, res) => {
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.appendHeader('set-cookie', 'c=3');
        res.appendHeader('x-one', 'first');
        res.end();
      });
      const got = await exchange(client, { ':path': '/' });
      expect(got.headers['set-cookie']).to.deep.equal(['a=1', 'b=2', 'c=3']);
      expect(got.headers['x-one']).to.equal('first');
    });

    it('sends trailers given with addTrailers after the body, and none when none were given', async () => {
      const client = await serve((req, res) => {
        if (req.url === '/with') {
          res.write('body');
          res.addTrailers({ 'X-Checksum': 'abc', 'x-count': 1 });
        }
        res.end('!');
      });
      const withTrailers = await exchange(client, { ':path': '/with' });
      expect(withTrailers.body.toString()).to.equal('body!');
      expect(withTrailers.trailers?.['x-checksum']).to.equal('abc');
      expect(withTrailers.trailers?.['x-count']).to.equal('1');
      const without = await exchange(client, { ':path': '/without' });
      expect(without.body.toString()).to.equal('!');
      expect(without.trailers).to.equal(undefined);
    });

    it("pushes a response with createPushResponse, which the client receives as a pushed stream, and the pushed response emits 'finish'", async () => {
      let pushedReq: unknown = null;
      let pushedFinished: () => void = () => {};
      const pushedFinishedP = new Promise<void>((resolve) => (pushedFinished = resolve));
      const client = await serve((_req, res) => {
        res.createPushResponse({ ':path': '/pushed.css' }, (err, pushed) => {
          expect(err).to.equal(null);
          pushedReq = pushed!.req;
          pushed!.on('finish', () => pushedFinished());
          pushed!.setHeader('content-type', 'text/css');
          pushed!.end('pushed body');
          res.end('main');
        });
      });
      const pushedP = new Promise<{ path: unknown; status: unknown; type: unknown; body: string }>((resolve) => {
        client.once('stream', (stream, requestHeaders) => {
          const chunks: Buffer[] = [];
          let status: unknown;
          let type: unknown;
          stream.on('push', (h) => {
            status = h[':status'];
            type = h['content-type'];
          });
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => resolve({ path: requestHeaders[':path'], status, type, body: Buffer.concat(chunks).toString() }));
        });
      });
      const main = await exchange(client, { ':path': '/' });
      expect(main.body.toString()).to.equal('main');
      expect(await pushedP).to.deep.equal({ path: '/pushed.css', status: 200, type: 'text/css', body: 'pushed body' });
      expect(pushedReq).to.equal(null);
      await pushedFinishedP;
    });

    it('createPushResponse throws when the client disabled push, and needs a callback', async () => {
      let seen: (string | undefined)[] = [];
      const client = await serve((_req, res) => {
        seen = [
          thrown(() => res.createPushResponse({ ':path': '/x' }, () => {})).code,
          thrown(() => res.createPushResponse({ ':path': '/x' }, undefined as unknown as () => void)).code,
        ];
        res.end();
      }, { enablePush: false });
      await exchange(client, { ':path': '/' });
      expect(seen).to.deep.equal([codes.pushDisabled, codes.argType]);
    });

    it('a client reset mid-response: the request is aborted, then both close (request first), and the response finishes and closes', async () => {
      const events: string[] = [];
      let closed: () => void = () => {};
      const allClosed = new Promise<void>((resolve) => (closed = resolve));
      let state: Record<string, unknown> = {};
      const client = await serve((req, res) => {
        req.on('aborted', () => events.push('req aborted'));
        req.on('close', () => events.push('req close'));
        res.on('finish', () => events.push('res finish'));
        res.on('close', () => {
          events.push('res close');
          state = { aborted: req.aborted, complete: req.complete, writableEnded: res.writableEnded, socket: res.socket };
          closed();
        });
        res.write('first part');
      });
      const req = client.request({ ':path': '/slow' });
      req.on('error', () => {});
      await new Promise((resolve) => req.once('data', resolve));
      req.close(http2.constants.NGHTTP2_CANCEL);
      await allClosed;
      expect(events).to.deep.equal(['req aborted', 'req close', 'res finish', 'res close']);
      expect(state).to.deep.equal({ aborted: true, complete: true, writableEnded: false, socket: undefined });
    });

    it('end() twice sends one body and calls both callbacks; a write after end() fails with ERR_STREAM_WRITE_AFTER_END', async () => {
      const calls: string[] = [];
      let writeResult: boolean | undefined;
      let writeError: (Error & { code?: string }) | undefined;
      let done: () => void = () => {};
      const checked = new Promise<void>((resolve) => (done = resolve));
      const client = await serve((req, res) => {
        if (req.url === '/twice') {
          res.end('once', () => calls.push('first'));
          res.end('twice', () => calls.push('second'));
          return;
        }
        res.end('ended');
        writeResult = res.write('late', (err) => {
          writeError = err ?? undefined;
          done();
        });
      });
      const twice = await exchange(client, { ':path': '/twice' });
      expect(twice.body.toString()).to.equal('once');
      expect(calls.sort()).to.deep.equal(['first', 'second']);
      await exchange(client, { ':path': '/late' }).catch(() => undefined);
      await checked;
      expect(writeResult).to.equal(false);
      expect(writeError?.code).to.equal(codes.writeAfterEnd);
    });

    it('refuses header changes once the headers were sent, with a code', async () => {
      let errors: (string | undefined)[] = [];
      const client = await serve((_req, res) => {
        res.writeHead(200);
        errors = [
          thrown(() => res.setHeader('x-late', '1')).code,
          thrown(() => res.removeHeader('x-late')).code,
          thrown(() => res.appendHeader('x-late', '1')).code,
          thrown(() => res.writeHead(201)).code,
        ];
        res.end();
      });
      await exchange(client, { ':path': '/' });
      expect(errors).to.deep.equal([codes.headersSent, codes.headersSent, codes.headersSent, codes.headersSent]);
    });

    it("refuses bad statuses and headers with node's kinds of error, drops `connection`, and refuses other connection-specific fields when sending", async () => {
      let seen: Record<string, unknown> = {};
      const client = await serve((req, res) => {
        if (req.url === '/te') {
          res.setHeader('transfer-encoding', 'chunked');
          seen['te'] = thrown(() => res.end('x')).code;
          res.stream.close();
          return;
        }
        const info = thrown(() => (res.statusCode = 100));
        seen = {
          info: [info.code, info instanceof RangeError],
          invalid: thrown(() => (res.statusCode = 600)).code,
          pseudo: thrown(() => res.setHeader(':path', '/x')).code,
          value: thrown(() => res.setHeader('x-undefined', undefined as unknown as string)).code,
          name: thrown(() => res.setHeader('bad name', 'v')).code,
          nameType: thrown(() => res.getHeader(1 as unknown as string)).code,
          statusAfter: res.statusCode,
        };
        res.setHeader('connection', 'close');
        seen['connection'] = res.hasHeader('connection');
        res.end();
      });
      const got = await exchange(client, { ':path': '/' });
      expect(seen).to.deep.equal({
        info: [codes.infoStatus, true], invalid: codes.statusInvalid, pseudo: codes.pseudoHeader, value: codes.headerValue,
        name: codes.headerName, nameType: codes.argType, statusAfter: 200, connection: false,
      });
      expect(got.headers['connection']).to.equal(undefined);
      await exchange(client, { ':path': '/te' }).catch(() => undefined);
      expect(seen['te']).to.equal(codes.connectionHeader);
    });

    it("emits 'finish' and 'close' after the stream closed, the end() callback first, and the request's 'close' before the response's", async () => {
      const events: string[] = [];
      let closed: () => void = () => {};
      const allClosed = new Promise<void>((resolve) => (closed = resolve));
      const client = await serve((req, res) => {
        req.on('end', () => events.push('req end'));
        req.on('close', () => events.push('req close'));
        res.on('finish', () => events.push(`res finish (writableEnded ${res.writableEnded}, finished ${res.finished})`));
        res.on('close', () => {
          events.push('res close');
          closed();
        });
        req.resume();
        res.end('bye', () => events.push('end callback'));
      });
      await exchange(client, { ':method': 'POST', ':path': '/' }, 'body');
      await allClosed;
      // When the request body ends relative to the end() callback is up to the network.
      expect(events.filter((e) => e !== 'req end')).to.deep.equal(['end callback', 'req close', 'res finish (writableEnded true, finished true)', 'res close']);
      expect(events.indexOf('req end')).to.be.within(0, events.indexOf('req close'));
    });

    it("drains a request body nobody reads once the response is sent, so 'finish' and 'close' still come", async () => {
      let closed: () => void = () => {};
      const allClosed = new Promise<void>((resolve) => (closed = resolve));
      const events: string[] = [];
      const client = await serve((req, res) => {
        req.on('close', () => events.push('req close'));
        res.on('finish', () => events.push('res finish'));
        res.on('close', () => {
          events.push('res close');
          closed();
        });
        res.end('not read');
      });
      const got = await exchange(client, { ':method': 'POST', ':path': '/' }, Buffer.alloc(200_000, 1));
      await allClosed;
      expect(got.body.toString()).to.equal('not read');
      expect(events).to.deep.equal(['req close', 'res finish', 'res close']);
    });

    it("a connection lost mid-response aborts the request and closes both, with 'finish' before 'close'", async () => {
      const events: string[] = [];
      let closed: () => void = () => {};
      const allClosed = new Promise<void>((resolve) => (closed = resolve));
      const client = await serve((req, res) => {
        req.on('aborted', () => events.push('req aborted'));
        req.on('close', () => events.push('req close'));
        res.on('finish', () => events.push('res finish'));
        res.on('close', () => {
          events.push('res close');
          closed();
        });
        res.write('part');
      });
      const req = client.request({ ':path': '/' });
      req.on('error', () => {});
      await new Promise((resolve) => req.once('data', resolve));
      client.destroy();
      await allClosed;
      expect(events).to.deep.equal(['req aborted', 'req close', 'res finish', 'res close']);
    });

    it("emits 'timeout' on the request and the response after setTimeout() passes without activity", async () => {
      const events: string[] = [];
      let timedOut: () => void = () => {};
      const both = new Promise<void>((resolve) => (timedOut = resolve));
      const client = await serve((req, res) => {
        res.on('timeout', () => {
          events.push('res timeout');
          timedOut();
        });
        req.on('timeout', () => events.push('req timeout'));
        expect(res.setTimeout(10)).to.satisfy((r: unknown) => r === undefined || r === res);
        expect(req.setTimeout(10)).to.equal(req);
        void both.then(() => res.end('late'));
      });
      const got = await exchange(client, { ':path': '/' });
      expect(got.body.toString()).to.equal('late');
      expect(events.slice(0, 2).sort()).to.deep.equal(['req timeout', 'res timeout']);
    });

    it('takes a piped Readable, strings in an encoding, null for no encoding or callback, and cork()/uncork()', async () => {
      const client = await serve((req, res) => {
        if (req.url === '/pipe') {
          Readable.from([Buffer.from('a'), Buffer.from('b'), Buffer.from('c')]).pipe(res);
          return;
        }
        if (req.url === '/nulls') {
          // Fastify (and node:http's own callers) pass null for "no encoding" and "no callback".
          res.write('null ', null, null);
          res.end('args', null, null);
          return;
        }
        res.cork();
        expect(res.write('aGk=', 'base64')).to.equal(true);
        res.uncork();
        res.end(' there', 'utf8');
      });
      expect((await exchange(client, { ':path': '/pipe' })).body.toString()).to.equal('abc');
      expect((await exchange(client, { ':path': '/nulls' })).body.toString()).to.equal('null args');
      expect((await exchange(client, { ':path': '/enc' })).body.toString()).to.equal('hi there');
    });

    it('res.destroy() resets the stream before its end', async () => {
      const client = await serve((_req, res) => {
        res.write('part', () => res.destroy());
      });
      const req = client.request({ ':path': '/' });
      req.on('error', () => {});
      req.resume();
      await new Promise((resolve) => req.on('close', resolve));
      // node:http2 resets with NO_ERROR (its session's code), h2duplex with CANCEL.
      expect(req.rstCode).to.be.oneOf([http2.constants.NGHTTP2_NO_ERROR, http2.constants.NGHTTP2_CANCEL]);
    });

    it('answers HEAD with headers only, finishing once end() is called', async () => {
      let writeError: string | undefined;
      let finished: () => void = () => {};
      const finishedP = new Promise<void>((resolve) => (finished = resolve));
      const client = await serve((_req, res) => {
        res.on('finish', finished);
        res.setHeader('content-length', 4);
        res.writeHead(200);
        res.write('body', (err) => (writeError = (err as { code?: string } | null | undefined)?.code));
        res.end();
      });
      const got = await exchange(client, { ':method': 'HEAD', ':path': '/' });
      await finishedP;
      expect(got.headers['content-length']).to.equal('4');
      expect(got.body.length).to.equal(0);
      expect(writeError).to.equal(codes.writeAfterEnd);
    });

    it('sends no date header with sendDate false or after removeHeader("date"), and a date set by hand as given', async () => {
      const client = await serve((req, res) => {
        if (req.url === '/off') res.sendDate = false;
        else if (req.url === '/removed') res.removeHeader('date');
        else res.setHeader('date', 'Thu, 01 Jan 1970 00:00:00 GMT');
        res.end();
      });
      expect((await exchange(client, { ':path': '/off' })).headers['date']).to.equal(undefined);
      expect((await exchange(client, { ':path': '/removed' })).headers['date']).to.equal(undefined);
      expect((await exchange(client, { ':path': '/set' })).headers['date']).to.equal('Thu, 01 Jan 1970 00:00:00 GMT');
    });

    it('sends 100 Continue with writeContinue() and 103 Early Hints with writeEarlyHints(), then the response', async () => {
      const client = await serve((req, res) => {
        if (req.url === '/continue') {
          expect(res.writeContinue()).to.equal(true);
          req.resume();
          req.on('end', () => res.end('continued'));
          return;
        }
        expect(res.writeEarlyHints({ link: ['</style.css>; rel=preload; as=style', '</app.js>; rel=preload; as=script'], 'x-hint': 'h' })).to.equal(true);
        expect(res.writeEarlyHints({ link: [] })).to.equal(false);
        expect(thrown(() => res.writeEarlyHints({ link: 'not a link' })).code).to.equal(codes.argValue);
        res.end('hinted');
        expect(res.writeContinue()).to.equal(false);
      });
      const continued = await exchange(client, { ':method': 'POST', ':path': '/continue', expect: '100-continue' }, 'data');
      expect(continued.informational.map((h) => h[':status'])).to.deep.equal([100]);
      expect(continued.body.toString()).to.equal('continued');
      const hinted = await exchange(client, { ':path': '/hints' });
      expect(hinted.informational.map((h) => [h[':status'], h['link'], h['x-hint']])).to.deep.equal([[103, '</style.css>; rel=preload; as=style, </app.js>; rel=preload; as=script', 'h']]);
      expect(hinted.body.toString()).to.equal('hinted');
    });

    it('flushHeaders() sends the response headers before any body', async () => {
      let sent: (() => void) | undefined;
      const client = await serve((_req, res) => {
        res.statusCode = 202;
        res.flushHeaders();
        sent = () => res.end('later');
      });
      const req = client.request({ ':path': '/' });
      const headers = await new Promise<http2.IncomingHttpHeaders>((resolve) => req.once('response', resolve));
      expect(headers[':status']).to.equal(202);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      sent!();
      await new Promise((resolve) => req.on('end', resolve));
      expect(Buffer.concat(chunks).toString()).to.equal('later');
    });

    it("gives the request's trailers after its body, and req.url and req.method are settable", async () => {
      let seen: Record<string, unknown> = {};
      const client = await serve((req, res) => {
        req.url = '/rewritten';
        req.method = 'PUT';
        const badMethod = thrown(() => (req.method = ' ')).code;
        req.resume();
        req.on('end', () => {
          seen = { trailer: req.trailers['x-request-trailer'], raw: req.rawTrailers, url: req.url, method: req.method, path: req.headers[':path'], badMethod };
          res.end();
        });
      });
      const req = client.request({ ':method': 'POST', ':path': '/original' }, { waitForTrailers: true });
      req.on('wantTrailers', () => req.sendTrailers({ 'x-request-trailer': 't' }));
      req.end('body');
      req.resume();
      await new Promise((resolve) => req.on('close', resolve));
      expect(seen).to.deep.equal({ trailer: 't', raw: ['x-request-trailer', 't'], url: '/rewritten', method: 'PUT', path: '/rewritten', badMethod: codes.argValue });
    });

    it('gives a socket stand-in: the address of the connection, and write() refused with a code', async () => {
      let seen: Record<string, unknown> = {};
      const client = await serve((req, res) => {
        const socket = req.socket;
        seen = {
          address: socket.remoteAddress, same: res.socket === socket, connection: req.connection === socket,
          isSocket: socket instanceof net.Socket, write: thrown(() => socket.write('x')).code,
        };
        res.end();
      });
      await exchange(client, { ':path': '/' });
      expect(seen).to.deep.equal({ address: '127.0.0.1', same: true, connection: true, isSocket: true, write: codes.noSocketManipulation });
    });
  });
}

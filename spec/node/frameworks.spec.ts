/**
 * Web frameworks on the Compatibility API, over TCP (h2c with prior knowledge): Koa
 * (`createServer(app.callback())`), Fastify (`serverFactory` returning `createServer(handler)`)
 * and Express 5 (`createServer(app)`), each served once by node:http2 and once by h2duplex,
 * and asked by curl and by a node:http2 client: a JSON POST echoed back parsed, a response
 * streamed from a Readable in several chunks, a throwing route (500 from the framework) and a
 * missing one (404).
 *
 * Express 5 does not run on node:http2's own createServer: it re-parents each request and
 * response onto prototypes built on node:http's IncomingMessage and ServerResponse, and the
 * first request ends the process (a TypeError in IncomingMessage#_read, which reads the
 * HTTP/1 socket state the HTTP/2 request object lacks). The last block shows that, on
 * node:http2 and on h2duplex alike; the Express routes here re-parent Express's request and
 * response methods onto the server's own Http2ServerRequest and Http2ServerResponse instead,
 * per app.
 */
import { spawn } from 'node:child_process';
import http2 from 'node:http2';
import type net from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import * as ours from '../../src/node/index.js';
import { REPO_ROOT } from '../helpers/shared.js';
import { hasCommand, run } from '../helpers/tools.js';

/** The part of an HTTP/2 module (node:http2 or ours) the frameworks use. */
interface Http2Module {
  createServer(onRequest: (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void): net.Server;
  Http2ServerRequest: { prototype: object };
  Http2ServerResponse: { prototype: object };
}

const OURS = join(REPO_ROOT, 'src', 'node', 'index.ts');
const IMPLS: Array<{ name: string; module: Http2Module }> = [
  { name: 'node:http2', module: http2 },
  { name: 'h2duplex', module: ours },
];

const CURL_MISSING = hasCommand('curl') ? null : 'curl is not installed (apt-get install curl)';
const JSON_BODY = { name: 'h2', list: [1, 2, 3], nested: { ok: true } };
const CHUNKS = ['one\n', 'two\n', 'three\n'];

/** A Readable of {@link CHUNKS}, 10 ms apart (so they leave as separate DATA frames). */
function slowChunks(): Readable {
  return Readable.from(
    (async function* () {
      for (const chunk of CHUNKS) {
        await delay(10);
        yield chunk;
      }
    })(),
  );
}

/** Reads a request body as JSON (for Koa, which has no body parser of its own). */
async function readJson(req: Readable): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

/** A framework app behind `impl.createServer`, plus what its 500 and 404 bodies contain. */
interface Framework {
  name: string;
  start(impl: Http2Module): Promise<{ server: net.Server; close(): Promise<void> }>;
  /** A substring of the 500 body. */
  error: string;
  /** A substring of the 404 body for GET /missing. */
  notFound: string;
}

/** A copy of `methods`' own properties on a new object whose prototype is `prototype`. */
function withPrototype(methods: object, prototype: object): object {
  return Object.create(prototype, Object.getOwnPropertyDescriptors(methods)) as object;
}

async function listen(server: net.Server): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

const FRAMEWORKS: Framework[] = [
  {
    name: 'Koa: createServer(app.callback())',
    error: 'Internal Server Error',
    // Koa's default body over HTTP/2 is the status code (there is no status message).
    notFound: '404',
    async start(impl) {
      const app = new Koa();
      app.silent = true;
      app.use(async (ctx) => {
        if (ctx.method === 'POST' && ctx.path === '/echo') {
          ctx.body = { received: await readJson(ctx.req), httpVersion: ctx.req.httpVersion, contentType: ctx.get('content-type') };
        } else if (ctx.path === '/stream') {
          ctx.type = 'text/plain';
          ctx.body = slowChunks();
        } else if (ctx.path === '/boom') {
          throw new Error('boom');
        }
      });
      // Koa's handler settles its own errors: the promise it returns never rejects.
      // eslint-disable-next-line @typescript-eslint/no-misused-promises
      const server = impl.createServer(app.callback());
      await listen(server);
      return { server, close: () => closeServer(server) };
    },
  },
  {
    name: 'Fastify: serverFactory → createServer(handler)',
    error: 'Internal Server Error',
    notFound: 'Route GET:/missing not found',
    async start(impl) {
      let server: net.Server | undefined;
      const app = Fastify({
        http2: true,
        serverFactory: (handler) => {
          server = impl.createServer(handler);
          return server as http2.Http2Server;
        },
      });
      app.post('/echo', (request) => ({ received: request.body, httpVersion: request.raw.httpVersion, contentType: request.headers['content-type'] }));
      app.get('/stream', (_request, reply) => reply.type('text/plain').send(slowChunks()));
      app.get('/boom', () => {
        throw new Error('boom');
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      if (server === undefined) throw new Error('Fastify did not call serverFactory');
      return { server, close: () => app.close() };
    },
  },
  {
    name: 'Express 5: createServer(app), its request/response methods over Http2ServerRequest/Response',
    error: 'Error: boom',
    notFound: 'Cannot GET /missing',
    async start(impl) {
      const app = express();
      // 'test': errors answer 500 without being logged.
      app.set('env', 'test');
      Object.setPrototypeOf(app.request as object, withPrototype(express.request, impl.Http2ServerRequest.prototype));
      Object.setPrototypeOf(app.response as object, withPrototype(express.response, impl.Http2ServerResponse.prototype));
      app.use(express.json());
      app.post('/echo', (req, res) => {
        res.json({ received: req.body as unknown, httpVersion: req.httpVersion, contentType: req.get('content-type') });
      });
      app.get('/stream', (_req, res) => {
        res.type('text/plain');
        slowChunks().pipe(res);
      });
      app.get('/boom', () => {
        throw new Error('boom');
      });
      const server = impl.createServer(app as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void);
      await listen(server);
      return { server, close: () => closeServer(server) };
    },
  },
];

/** A response as a node:http2 client saw it. */
interface Seen {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: string;
  /** How many 'data' events the body came in. */
  chunks: number;
}

/** One request on `session`. */
function request(session: http2.ClientHttp2Session, method: string, path: string, body?: string): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const headers: http2.OutgoingHttpHeaders = { ':method': method, ':path': path };
    // With a content-length, as fetch and curl send: Express's body parser (type-is) reads no
    // body from a request that has neither content-length nor transfer-encoding.
    if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    const req = session.request(headers, { endStream: body === undefined });
    let status = 0;
    let responseHeaders: http2.IncomingHttpHeaders = {};
    let text = '';
    let chunks = 0;
    req.setEncoding('utf8');
    req.on('response', (h) => {
      responseHeaders = h;
      status = Number(h[':status']);
    });
    req.on('data', (chunk: string) => {
      text += chunk;
      chunks++;
    });
    req.on('end', () => resolve({ status, headers: responseHeaders, body: text, chunks }));
    req.on('error', reject);
    req.on('close', () => reject(new Error(`stream closed before its end (rstCode ${String(req.rstCode)})`)));
    if (body !== undefined) req.end(body);
  });
}

/** `curl -sS -i --http2-prior-knowledge` (plus `args`): the status line, headers and body. */
async function curl(url: string, args: string[] = []): Promise<string> {
  const r = await run('curl', ['-sS', '-i', '--http2-prior-knowledge', ...args, url]);
  expect(r.status, `curl ${url}: ${r.stderr}`).to.equal(0);
  return r.stdout;
}

describe('frameworks on the Compatibility API over TCP (h2c)', function () {
  this.timeout(30_000);

  for (const impl of IMPLS) {
    for (const framework of FRAMEWORKS) {
      describe(`${framework.name}, served by ${impl.name}`, function () {
        let started: { server: net.Server; close(): Promise<void> };
        let url: string;
        let session: http2.ClientHttp2Session;

        before(async function () {
          started = await framework.start(impl.module);
          url = `http://127.0.0.1:${(started.server.address() as net.AddressInfo).port}`;
          session = http2.connect(url);
          session.on('error', () => undefined);
        });

        after(async function () {
          await new Promise<void>((resolve) => session.close(resolve));
          await started.close();
        });

        it('node:http2 client: POST /echo, a JSON body parsed and echoed as JSON', async function () {
          const r = await request(session, 'POST', '/echo', JSON.stringify(JSON_BODY));
          expect(r.status, r.body).to.equal(200);
          expect(r.headers['content-type']).to.equal('application/json; charset=utf-8');
          expect(JSON.parse(r.body)).to.deep.equal({ received: JSON_BODY, httpVersion: '2.0', contentType: 'application/json' });
        });

        it('node:http2 client: GET /stream, a Readable streamed in several DATA frames', async function () {
          const r = await request(session, 'GET', '/stream');
          expect(r.status).to.equal(200);
          expect(r.headers['content-type']).to.match(/^text\/plain/);
          expect(r.body).to.equal(CHUNKS.join(''));
          expect(r.chunks).to.be.at.least(2);
        });

        it('node:http2 client: a throwing route answers 500, a missing one 404', async function () {
          const boom = await request(session, 'GET', '/boom');
          expect(boom.status).to.equal(500);
          expect(boom.body).to.include(framework.error);
          const missing = await request(session, 'GET', '/missing');
          expect(missing.status).to.equal(404);
          expect(missing.body).to.include(framework.notFound);
        });

        const itCurl = CURL_MISSING === null ? it : it.skip;
        const curlNote = CURL_MISSING === null ? '' : ` (skipped: ${CURL_MISSING})`;

        itCurl(`curl --http2-prior-knowledge: POST /echo, GET /stream, /boom, /missing${curlNote}`, async function () {
          const echo = await curl(`${url}/echo`, ['-H', 'content-type: application/json', '--data-binary', JSON.stringify(JSON_BODY)]);
          expect(echo).to.match(/^HTTP\/2 200 \r\n/);
          expect(echo).to.include('content-type: application/json; charset=utf-8\r\n');
          expect(JSON.parse(echo.slice(echo.indexOf('\r\n\r\n') + 4))).to.deep.equal({ received: JSON_BODY, httpVersion: '2.0', contentType: 'application/json' });

          const stream = await curl(`${url}/stream`);
          expect(stream).to.match(/^HTTP\/2 200 \r\n/);
          expect(stream.endsWith(`\r\n\r\n${CHUNKS.join('')}`), stream).to.be.true;

          const boom = await curl(`${url}/boom`);
          expect(boom).to.match(/^HTTP\/2 500 \r\n/);
          expect(boom).to.include(framework.error);

          const missing = await curl(`${url}/missing`);
          expect(missing).to.match(/^HTTP\/2 404 \r\n/);
          expect(missing).to.include(framework.notFound);
        });
      });
    }
  }

  describe('Express 5 with createServer(app) as is (no re-parenting)', function () {
    const MODULES: Record<string, string> = { 'node:http2': 'node:http2', h2duplex: pathToFileURL(OURS).href };
    for (const impl of IMPLS) {
      it(`${impl.name}: the first request ends the process (TypeError in IncomingMessage#_read)`, async function () {
        const program = `
          const { createServer } = await import(process.env.HTTP2_MODULE);
          const { default: express } = await import('express');
          const app = express();
          app.get('/', (req, res) => res.json({ ok: true }));
          const server = createServer(app);
          server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
        `;
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], {
          cwd: REPO_ROOT,
          env: { ...process.env, HTTP2_MODULE: MODULES[impl.name] },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
        const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
        try {
          while (!/port \d+/.test(output)) {
            if (child.exitCode !== null) throw new Error(output);
            await delay(20);
          }
          const port = /port (\d+)/.exec(output)?.[1] ?? '';
          const session = http2.connect(`http://127.0.0.1:${port}`);
          session.on('error', () => undefined);
          const answer = await request(session, 'GET', '/').catch((err: unknown) => err);
          session.destroy();
          expect(await exited, output).to.equal(1);
          // No response: the stream fails, or ends with the connection and no headers.
          expect(answer instanceof Error ? 0 : (answer as Seen).status).to.equal(0);
          expect(output).to.include("TypeError: Cannot read properties of undefined (reading 'readable')");
          expect(output).to.include('at IncomingMessage._read (node:_http_incoming');
        } finally {
          child.kill();
        }
      });
    }
  });
});

import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { createServer } from 'h2duplex';

const app = new Koa();
app.use((ctx) => {
  if (ctx.path === '/boom') throw new Error('boom');        // Koa answers 500
  ctx.body = { hello: 'world', over: `HTTP/${ctx.req.httpVersion}` };
});
const server = createServer(app.callback());   // (req, res): Http2ServerRequest, Http2ServerResponse
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});

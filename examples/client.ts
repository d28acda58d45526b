/**
 * A command-line HTTP/2 client on H2Duplex: GET (or POST with --data) to an h2c or h2 URL,
 * printing the status, headers and body.
 *
 *   npx tsx examples/client.ts http://127.0.0.1:8080/
 *   npx tsx examples/client.ts --data 'hello' http://127.0.0.1:8080/echo
 *   npx tsx examples/client.ts --insecure https://127.0.0.1:8443/
 *
 * http: is h2c with prior knowledge (RFC 9113 §3.3); https: is TLS with ALPN "h2" (§3.2).
 * Import `fetchOnce` to use it from code.
 */
import net from 'node:net';
import tls from 'node:tls';
import { pathToFileURL } from 'node:url';
import { H2Duplex, type IncomingHeaders } from '../src/index.js';

export interface FetchOptions {
  method?: string;
  body?: string | Buffer;
  /** Accept any TLS certificate (self-signed test servers). */
  insecure?: boolean;
  headers?: Record<string, string>;
}

export interface FetchResult {
  status: number;
  headers: IncomingHeaders;
  body: Buffer;
}

/**
 * Opens a transport to `url`: TCP for http:, TLS with ALPN h2 for https:. The socket keeps an
 * 'error' listener (a reset after the connection is in use must not be an uncaught exception);
 * callers that care listen for 'error' or 'close' themselves.
 */
export function connectTo(url: URL, insecure = false): Promise<net.Socket> {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    if (url.protocol === 'https:') {
      const socket = tls.connect({ host, port, ALPNProtocols: ['h2'], servername: net.isIP(host) === 0 ? host : undefined, rejectUnauthorized: !insecure }, () => {
        if (socket.alpnProtocol !== 'h2') {
          socket.destroy();
          reject(new Error(`the server did not agree to HTTP/2 (ALPN: ${String(socket.alpnProtocol)})`));
          return;
        }
        resolve(socket);
      });
      socket.on('error', reject);
    } else if (url.protocol === 'http:') {
      const socket = net.connect({ host, port }, () => resolve(socket));
      socket.on('error', reject);
    } else {
      reject(new Error(`unsupported scheme ${url.protocol}`));
    }
  });
}

/** One request on a fresh connection; the connection is closed gracefully afterwards. */
export async function fetchOnce(target: string, options: FetchOptions = {}): Promise<FetchResult> {
  const url = new URL(target);
  const socket = await connectTo(url, options.insecure);
  const h2 = new H2Duplex();
  socket.pipe(h2).pipe(socket);
  socket.on('error', (err) => h2.destroy(err));
  // A transport error fails the open request, which reports it (its 'error', or the for-await
  // below). Once the exchange is over a late one (the server went away) has nobody to tell.
  h2.on('error', () => undefined);
  try {
    const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
    const req = h2.request(
      { ':method': method, ':scheme': url.protocol.slice(0, -1), ':authority': url.host, ':path': `${url.pathname}${url.search}`, 'user-agent': 'h2duplex-example', ...options.headers },
      { endStream: options.body === undefined },
    );
    const response = new Promise<IncomingHeaders>((resolve, reject) => {
      req.once('response', resolve);
      req.once('error', reject);
    });
    if (options.body !== undefined) req.end(options.body);
    const headers = await response;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return { status: headers[':status'] ?? 0, headers, body: Buffer.concat(chunks) };
  } finally {
    await h2.close();
    socket.end();
  }
}

async function main(argv: string[]): Promise<void> {
  let body: string | undefined;
  let insecure = false;
  let target: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--data' || arg === '-d') body = argv[++i];
    else if (arg === '--insecure' || arg === '-k') insecure = true;
    else target = arg;
  }
  if (target === undefined) {
    console.error('usage: tsx examples/client.ts [--data BODY] [--insecure] URL');
    process.exitCode = 2;
    return;
  }
  const result = await fetchOnce(target, { body, insecure });
  for (const [name, value] of Object.entries(result.headers)) console.log(`${name}: ${String(value)}`);
  console.log('');
  process.stdout.write(result.body);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}

/**
 * createPair() as a test double for code written against net.Socket.
 *
 * `serveLines(socket)` is an ordinary line-protocol server: it reads lines and answers each
 * with "ECHO <line>" (and "BYE" to "QUIT"). It touches what such code usually touches on a
 * socket: setNoDelay, setTimeout, remoteAddress, write, end. In production it gets a
 * net.Socket; in the test below it gets an H2Stream from an in-memory client/server pair:
 * no port, no network, and the bytes can be delivered one octet at a time.
 *
 * Run it: npx mocha examples/test-double.ts (also run by spec/examples/test-double.spec.ts).
 */
import { expect } from 'chai';
import type net from 'node:net';
import { createPair, type H2Stream } from '../src/index.js';

/** What serveLines needs from a socket: net.Socket and H2Stream both have it. */
export interface LineSocket {
  setNoDelay(noDelay?: boolean): unknown;
  setTimeout(ms: number): unknown;
  setEncoding(encoding: BufferEncoding): unknown;
  readonly remoteAddress?: string | undefined;
  write(data: string): unknown;
  end(data: string): unknown;
  on(event: 'data', listener: (text: string) => void): unknown;
}

// Both transports satisfy it (checked at compile time).
export const acceptsSocket: (socket: net.Socket) => void = serveLines;
export const acceptsStream: (stream: H2Stream) => void = serveLines;

/** A line protocol: each "\n"-terminated line is answered; QUIT ends the conversation. */
export function serveLines(socket: LineSocket): void {
  socket.setNoDelay(true);
  socket.setTimeout(30_000);
  socket.setEncoding('utf8');
  let buffered = '';
  socket.on('data', (text: string) => {
    buffered += text;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line === 'QUIT') {
        socket.end('BYE\n');
        return;
      }
      socket.write(`ECHO ${line}\n`);
    }
  });
}

/** Reads from `stream` until `count` lines arrived. */
function readLines(stream: H2Stream, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const lines = text.split('\n').filter((l) => l !== '');
      if (lines.length >= count) {
        stream.off('data', onData);
        resolve(lines);
      }
    };
    stream.on('data', onData);
    stream.once('error', reject);
  });
}

describe('examples/test-double: a net.Socket server tested over createPair', function () {
  for (const chunkSize of [undefined, 1] as const) {
    it(`answers lines ${chunkSize === 1 ? 'with 1-byte delivery' : 'as written'}`, async function () {
      const { client, server } = createPair({ chunkSize });
      // The "accept" step: each request stream is a socket for serveLines.
      server.on('stream', (stream: H2Stream) => {
        stream.respond([[':status', '200']]);
        serveLines(stream);
      });
      const socket = client.request([[':method', 'POST'], [':scheme', 'http'], [':authority', 'lines'], [':path', '/']]);
      socket.write('hello\nworld\n');
      expect(await readLines(socket, 2)).to.deep.equal(['ECHO hello', 'ECHO world']);
      socket.end('QUIT\n');
      const rest: Buffer[] = [];
      for await (const chunk of socket) rest.push(chunk as Buffer);
      expect(Buffer.concat(rest).toString()).to.equal('BYE\n');
      await client.close();
    });
  }
});

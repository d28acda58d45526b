/**
 * Connected in-memory H2Connection pairs for specs (no sockets).
 */
import { H2Configuration, type H2ConfigurationOptions, H2Connection, SettingCodes } from '../../src/index.js';

/** The request of notes/h2-behaviour.md §9 ("REQ"). */
export const REQ: Array<[string, string]> = [
  [':method', 'GET'],
  [':path', '/'],
  [':scheme', 'https'],
  [':authority', 'example.com'],
];

/** A client and a server that have exchanged prefaces and SETTINGS (+ ACKs); both buffers drained. */
export function connectedPair(options: H2ConfigurationOptions = {}): { client: H2Connection; server: H2Connection } {
  const client = new H2Connection(new H2Configuration({ ...options, clientSide: true }));
  const server = new H2Connection(new H2Configuration({ ...options, clientSide: false }));
  client.initiateConnection();
  server.initiateConnection();
  server.receiveData(client.dataToSend());
  client.receiveData(server.dataToSend());
  server.receiveData(client.dataToSend());
  return { client, server };
}

/** A connected pair with stream 1 open both ways: the client's request headers (no END_STREAM) and the server's 200. */
export function streamOpen(options: H2ConfigurationOptions = {}): { client: H2Connection; server: H2Connection } {
  const pair = connectedPair(options);
  pair.client.sendHeaders(1, REQ, { endStream: false });
  pair.server.receiveData(pair.client.dataToSend());
  pair.server.sendHeaders(1, [[':status', '200']]);
  pair.client.receiveData(pair.server.dataToSend());
  return pair;
}

/** h2's "srv" of §9: a server after its SETTINGS, having received preface + empty SETTINGS; buffer drained. */
export function server(options: H2ConfigurationOptions = {}): H2Connection {
  const s = new H2Connection(new H2Configuration({ ...options, clientSide: false }));
  s.initiateConnection();
  s.receiveData(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from('000000040000000000', 'hex')]));
  s.dataToSend();
  return s;
}

export function names(events: object[]): string[] {
  return events.map((e) => e.constructor.name);
}

/** A connected pair whose server has SETTINGS_MAX_CONCURRENT_STREAMS = `max` in force. */
export function limitedServer(max: number): { client: H2Connection; server: H2Connection } {
  const pair = connectedPair();
  pair.server.updateSettings({ [SettingCodes.MAX_CONCURRENT_STREAMS]: max });
  pair.client.receiveData(pair.server.dataToSend());
  pair.server.receiveData(pair.client.dataToSend());
  return pair;
}

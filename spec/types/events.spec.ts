/**
 * Compile-time checks of the typed events of H2Duplex and H2Stream and of createPair: a listener
 * written without annotations gets the parameter types the README promises. `npm run typecheck`
 * is what checks them; at run time the listeners are only attached (expect-type's assertions are
 * no-ops), so mocha running this file proves it loads.
 *
 * Limit of the pattern (as of node's own typings): `on`/`once` keep Duplex's untyped overload for
 * every other event, so a listener whose parameters are annotated with wrong types still compiles
 * through that overload. What is checked here is what a listener without annotations is given.
 */
import { expectTypeOf } from 'expect-type';
import {
  type AlternativeServiceAvailable,
  type ChangedSetting,
  type ConnectionTerminated,
  type CoreEventMap,
  createPair,
  type DataReceived,
  type Event,
  type EventHeaders,
  type H2CoreEvents,
  H2Duplex,
  type H2DuplexEvents,
  H2Stream,
  type H2StreamEvents,
  type IncomingHeaders,
  type InformationalResponseReceived,
  type PairOptions,
  type PingAckReceived,
  type PingReceived,
  type PriorityUpdated,
  type PushedStreamReceived,
  type RemoteSettingsChanged,
  type RequestReceived,
  type ResponseReceived,
  type SettingsAcknowledged,
  type StreamEnded,
  type StreamReset,
  type TrailersReceived,
  type UnknownFrameReceived,
  type WindowUpdated,
} from '../../src/index.js';

const REQUEST = [[':method', 'GET'], [':path', '/'], [':scheme', 'http'], [':authority', 'types']] as const;

describe('types: H2Duplex and H2Stream events, createPair', function () {
  let pair: { client: H2Duplex; server: H2Duplex } | null = null;
  afterEach(function () {
    pair?.client.destroy();
    pair?.server.destroy();
    pair = null;
  });

  it('createPair takes PairOptions and returns a client and a server H2Duplex', function () {
    expectTypeOf(createPair).parameters.toEqualTypeOf<[options?: PairOptions]>();
    expectTypeOf(createPair).returns.toEqualTypeOf<{ client: H2Duplex; server: H2Duplex }>();
    pair = createPair();
    expectTypeOf(pair.client).toEqualTypeOf<H2Duplex>();
    expectTypeOf(pair.client.request(REQUEST)).toEqualTypeOf<H2Stream>();
  });

  it("types H2Duplex's own events: stream (node's arguments), goaway, event", function () {
    pair = createPair();
    const { client, server } = pair;
    server.on('stream', (stream, headers, flags, rawHeaders, event) => {
      expectTypeOf(stream).toEqualTypeOf<H2Stream>();
      expectTypeOf(headers).toEqualTypeOf<IncomingHeaders>();
      expectTypeOf(headers[':path']).toEqualTypeOf<string | undefined>();
      expectTypeOf(flags).toBeNumber();
      expectTypeOf(rawHeaders).toEqualTypeOf<string[]>();
      expectTypeOf(event).toEqualTypeOf<RequestReceived | PushedStreamReceived>();
    });
    client.once('goaway', (errorCode, lastStreamId, additionalData) => {
      expectTypeOf(errorCode).toBeNumber();
      expectTypeOf(lastStreamId).toBeNumber();
      expectTypeOf(additionalData).toEqualTypeOf<Buffer | null>();
    });
    server.on('event', (event) => expectTypeOf(event).toEqualTypeOf<Event>());
    // Chaining keeps the class.
    expectTypeOf(server.on('stream', () => undefined)).toEqualTypeOf<H2Duplex>();
    expectTypeOf(server.once('event', () => undefined)).toEqualTypeOf<H2Duplex>();
  });

  it('emits every core event under its class name, with that class as the argument', function () {
    expectTypeOf<keyof CoreEventMap>().toEqualTypeOf<
      | 'StreamEnded'
      | 'PriorityUpdated'
      | 'PriorityUpdateReceived'
      | 'OriginReceived'
      | 'RequestReceived'
      | 'ResponseReceived'
      | 'TrailersReceived'
      | 'InformationalResponseReceived'
      | 'DataReceived'
      | 'WindowUpdated'
      | 'RemoteSettingsChanged'
      | 'SettingsAcknowledged'
      | 'PingReceived'
      | 'PingAckReceived'
      | 'StreamReset'
      | 'PushedStreamReceived'
      | 'ConnectionTerminated'
      | 'AlternativeServiceAvailable'
      | 'UnknownFrameReceived'
    >();
    expectTypeOf<H2CoreEvents>().toEqualTypeOf<{ [K in keyof CoreEventMap]: [event: CoreEventMap[K]] }>();
    expectTypeOf<H2DuplexEvents>().toExtend<H2CoreEvents>();

    pair = createPair();
    const h2 = pair.server;
    h2.on('StreamEnded', (ev) => expectTypeOf(ev).toEqualTypeOf<StreamEnded>());
    h2.on('PriorityUpdated', (ev) => expectTypeOf(ev).toEqualTypeOf<PriorityUpdated>());
    h2.on('RequestReceived', (ev) => {
      expectTypeOf(ev).toEqualTypeOf<RequestReceived>();
      expectTypeOf(ev.streamId).toBeNumber();
      expectTypeOf(ev.headers).toEqualTypeOf<EventHeaders>();
      expectTypeOf(ev.streamEnded).toEqualTypeOf<StreamEnded | null>();
    });
    h2.on('ResponseReceived', (ev) => expectTypeOf(ev).toEqualTypeOf<ResponseReceived>());
    h2.on('TrailersReceived', (ev) => expectTypeOf(ev).toEqualTypeOf<TrailersReceived>());
    h2.on('InformationalResponseReceived', (ev) => expectTypeOf(ev).toEqualTypeOf<InformationalResponseReceived>());
    h2.on('DataReceived', (ev) => {
      expectTypeOf(ev).toEqualTypeOf<DataReceived>();
      expectTypeOf(ev.data).toEqualTypeOf<Buffer>();
    });
    h2.on('WindowUpdated', (ev) => expectTypeOf(ev).toEqualTypeOf<WindowUpdated>());
    h2.on('RemoteSettingsChanged', (ev) => {
      expectTypeOf(ev).toEqualTypeOf<RemoteSettingsChanged>();
      expectTypeOf(ev.changedSettings).toEqualTypeOf<Map<number, ChangedSetting>>();
    });
    h2.on('SettingsAcknowledged', (ev) => expectTypeOf(ev).toEqualTypeOf<SettingsAcknowledged>());
    h2.on('PingReceived', (ev) => expectTypeOf(ev).toEqualTypeOf<PingReceived>());
    h2.on('PingAckReceived', (ev) => expectTypeOf(ev).toEqualTypeOf<PingAckReceived>());
    h2.on('StreamReset', (ev) => {
      expectTypeOf(ev).toEqualTypeOf<StreamReset>();
      expectTypeOf(ev.remoteReset).toBeBoolean();
    });
    h2.on('PushedStreamReceived', (ev) => expectTypeOf(ev).toEqualTypeOf<PushedStreamReceived>());
    h2.on('ConnectionTerminated', (ev) => {
      expectTypeOf(ev).toEqualTypeOf<ConnectionTerminated>();
      expectTypeOf(ev.additionalData).toEqualTypeOf<Buffer | null>();
    });
    h2.once('AlternativeServiceAvailable', (ev) => expectTypeOf(ev).toEqualTypeOf<AlternativeServiceAvailable>());
    h2.once('UnknownFrameReceived', (ev) => expectTypeOf(ev).toEqualTypeOf<UnknownFrameReceived>());
  });

  it("types H2Stream's events (node's names and arguments): response, headers, trailers, push, wantTrailers, reset, timeout", function () {
    expectTypeOf<H2StreamEvents['response']>().toEqualTypeOf<[headers: IncomingHeaders, flags: number, rawHeaders: string[], event: ResponseReceived]>();
    pair = createPair();
    const stream = pair.client.request(REQUEST, { endStream: true });
    stream.on('response', (headers, flags, rawHeaders, ev) => {
      expectTypeOf(headers).toEqualTypeOf<IncomingHeaders>();
      expectTypeOf(headers[':status']).toEqualTypeOf<number | undefined>();
      expectTypeOf(flags).toBeNumber();
      expectTypeOf(rawHeaders).toEqualTypeOf<string[]>();
      expectTypeOf(ev).toEqualTypeOf<ResponseReceived>();
    });
    stream.on('headers', (headers, _flags, _raw, ev) => {
      expectTypeOf(headers).toEqualTypeOf<IncomingHeaders>();
      expectTypeOf(ev).toEqualTypeOf<InformationalResponseReceived>();
    });
    stream.once('trailers', (headers, _flags, _raw, ev) => {
      expectTypeOf(headers).toEqualTypeOf<IncomingHeaders>();
      expectTypeOf(ev).toEqualTypeOf<TrailersReceived>();
    });
    stream.on('push', (responseHeaders) => {
      expectTypeOf(responseHeaders).toEqualTypeOf<IncomingHeaders>();
    });
    stream.on('wantTrailers', (...args) => expectTypeOf(args).toEqualTypeOf<[]>());
    stream.on('reset', (errorCode, remote) => {
      expectTypeOf(errorCode).toBeNumber();
      expectTypeOf(remote).toBeBoolean();
    });
    stream.on('timeout', (...args) => expectTypeOf(args).toEqualTypeOf<[]>());
    expectTypeOf(stream.on('reset', () => undefined)).toEqualTypeOf<H2Stream>();
    // Duplex's own events keep Duplex's listener type.
    stream.on('data', (chunk) => expectTypeOf(chunk).toBeAny());
    stream.on('error', () => undefined);
  });
});

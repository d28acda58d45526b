/**
 * The public surface of the package, entry point by entry point: the root (`h2duplex`) exports
 * what an application uses and nothing of the layers underneath, which are the subpaths
 * `h2duplex/frame` and `h2duplex/hpack`. The value exports are listed exactly, checked both by
 * the compiler (`npm run typecheck`) and at run time, so a name added to or dropped from an entry
 * point is a deliberate change to this file.
 */
import { expect } from 'chai';
import { expectTypeOf } from 'expect-type';
import * as frame from '../../src/frame/index.js';
import * as hpack from '../../src/hpack/index.js';
import * as root from '../../src/index.js';

const ROOT_VALUES = [
  // errors
  'ErrorCodes',
  'errorCodeName',
  'H2Error',
  'ProtocolError',
  'FrameTooLargeError',
  'FrameDataMissingError',
  'TooManyStreamsError',
  'FlowControlError',
  'StreamIDTooLowError',
  'NoAvailableStreamIDError',
  'NoSuchStreamError',
  'StreamClosedError',
  'InvalidSettingsValueError',
  'InvalidBodyLengthError',
  'UnsupportedFrameError',
  'DenialOfServiceError',
  'CompressionError',
  'RFC1122Error',
  'StreamResetError',
  'ConnectionClosedError',
  'AckTimeoutError',
  'UsageError',
  'UsageCodes',
  'InvalidArgumentError',
  'OutOfRangeError',
  // the sans-IO core
  'H2Connection',
  'H2Configuration',
  'ConnectionState',
  'neverIndexed',
  'isNeverIndexed',
  'SettingCodes',
  'Settings',
  'ChangedSetting',
  'Event',
  'RequestReceived',
  'ResponseReceived',
  'TrailersReceived',
  'InformationalResponseReceived',
  'DataReceived',
  'WindowUpdated',
  'RemoteSettingsChanged',
  'SettingsAcknowledged',
  'PingReceived',
  'PingAckReceived',
  'StreamEnded',
  'StreamReset',
  'PushedStreamReceived',
  'PriorityUpdated',
  'ConnectionTerminated',
  'AlternativeServiceAvailable',
  'PriorityUpdateReceived',
  'OriginReceived',
  'UnknownFrameReceived',
  'parsePriorityField',
  'serializePriority',
  // the Node stream adapter
  'H2Duplex',
  'H2Stream',
  'createPair',
  'acceptH2cUpgrade',
  'isH2cUpgrade',
  'requestH2cUpgrade',
  'sensitiveHeaders',
  'toHeaderObject',
  'toRawHeaders',
  'toHeaderList',
  // node:http2's entry points and compatibility API
  'connect',
  'createServer',
  'createSecureServer',
  'Http2Server',
  'Http2SecureServer',
  'Http2ServerRequest',
  'Http2ServerResponse',
] as const;

const FRAME_VALUES = [
  'FrameReader',
  'FrameWriter',
  'CLIENT_PREFACE',
  'FRAME_HEADER_LENGTH',
  'readFrameHeader',
  'FrameType',
  'Flag',
  'parseFrame',
  'serializeFrame',
  'frameTypeName',
  'DataFrame',
  'HeadersFrame',
  'PriorityFrame',
  'RstStreamFrame',
  'SettingsFrame',
  'PushPromiseFrame',
  'PingFrame',
  'GoAwayFrame',
  'WindowUpdateFrame',
  'ContinuationFrame',
  'AltSvcFrame',
  'OriginFrame',
  'PriorityUpdateFrame',
  'UnknownFrame',
] as const;

const HPACK_VALUES = ['HpackEncoder', 'HpackDecoder', 'DEFAULT_HEADER_TABLE_SIZE', 'HEADER_FIELD_OVERHEAD'] as const;

const sorted = (names: readonly string[]): string[] => [...names].sort();

describe('types: the exports of h2duplex, h2duplex/frame and h2duplex/hpack', function () {
  it('exports from the root exactly the values an application uses', function () {
    expectTypeOf<keyof typeof root>().toEqualTypeOf<(typeof ROOT_VALUES)[number]>();
    expect(sorted(Object.keys(root))).to.deep.equal(sorted(ROOT_VALUES));
  });

  it('exports from the root the types of its options, events and errors', function () {
    expectTypeOf<root.H2ConfigurationOptions>().toHaveProperty('logger').toEqualTypeOf<root.H2Logger | null | undefined>();
    expectTypeOf<root.H2ConfigurationOptions>().toHaveProperty('resetRateLimit').toEqualTypeOf<root.RateLimitOptions | undefined>();
    expectTypeOf<root.H2ConfigurationOptions>().toHaveProperty('headerEncoding').toEqualTypeOf<root.HeaderEncoding | undefined>();
    expectTypeOf<root.H2DuplexOptions>().toHaveProperty('trace').toEqualTypeOf<boolean | root.TraceSink | undefined>();
    expectTypeOf<root.PairOptions>().toHaveProperty('client').toEqualTypeOf<root.H2DuplexOptions | undefined>();
    expectTypeOf<root.H2DuplexEvents['stream'][0]>().toEqualTypeOf<root.H2Stream>();
    expectTypeOf<root.H2StreamEvents['reset']>().toEqualTypeOf<[errorCode: number, remote: boolean]>();
    expectTypeOf<root.CoreEventMap['DataReceived']>().toEqualTypeOf<root.DataReceived>();
    expectTypeOf<root.CoreEventName>().toEqualTypeOf<keyof root.CoreEventMap>();
    expectTypeOf<root.DenialOfServiceErrorOptions>().toExtend<root.ProtocolErrorOptions>();
    expectTypeOf<root.ErrorScope>().toEqualTypeOf<'stream' | 'connection'>();
    expectTypeOf<root.H2cUpgradeResult>().toBeObject();
    expectTypeOf<root.H2DuplexStats>().toBeObject();
    expectTypeOf<root.SendHeadersOptions>().toBeObject();
    expectTypeOf<root.SendHeadersAdapterOptions>().toBeObject();
    expectTypeOf<root.StreamRole>().toExtend<string>();
    expectTypeOf<root.HeaderInput>().toEqualTypeOf<readonly [string | Uint8Array, string | Uint8Array]>();
  });

  it('keeps the frame and HPACK layers and the internals off the root', function () {
    expectTypeOf(root).not.toHaveProperty('FrameReader');
    expectTypeOf(root).not.toHaveProperty('FrameWriter');
    expectTypeOf(root).not.toHaveProperty('HeadersFrame');
    expectTypeOf(root).not.toHaveProperty('parseFrame');
    expectTypeOf(root).not.toHaveProperty('HpackEncoder');
    expectTypeOf(root).not.toHaveProperty('HpackDecoder');
    expectTypeOf(root).not.toHaveProperty('RateLimit');
    expectTypeOf(root).not.toHaveProperty('performanceClock');
    expectTypeOf(root).not.toHaveProperty('NO_LOG');
    expectTypeOf(root).not.toHaveProperty('checkOptionKeys');
    expectTypeOf(root).not.toHaveProperty('FrameTrace');
    expectTypeOf(root).not.toHaveProperty('encodeHttp2Settings');
    expectTypeOf(root).not.toHaveProperty('StreamState');
    // Type-only names of the layers are not there either.
    // @ts-expect-error -- Frame is h2duplex/frame's
    expectTypeOf<root.Frame>().toBeObject();
    // @ts-expect-error -- DecodedField is h2duplex/hpack's
    expectTypeOf<root.DecodedField>().toBeObject();
    for (const name of ['FrameReader', 'HpackEncoder', 'RateLimit', 'performanceClock', 'NO_LOG', 'checkOptionKeys', 'FrameTrace']) expect(root).to.not.have.property(name);
  });

  it('exports the frame layer from h2duplex/frame', function () {
    expectTypeOf<keyof typeof frame>().toEqualTypeOf<(typeof FRAME_VALUES)[number]>();
    expect(sorted(Object.keys(frame))).to.deep.equal(sorted(FRAME_VALUES));
    expectTypeOf(frame).toHaveProperty('FrameReader');
    expectTypeOf(frame.FrameReader).instance.toHaveProperty('next').returns.toEqualTypeOf<frame.Frame | null>();
    expectTypeOf<frame.FrameReaderOptions>().toHaveProperty('expectPreface').toEqualTypeOf<boolean | undefined>();
    expectTypeOf<frame.FrameHeader>().toHaveProperty('streamId').toBeNumber();
    expectTypeOf<frame.PriorityFields>().toHaveProperty('weight').toBeNumber();
    expectTypeOf(frame).not.toHaveProperty('HpackEncoder');
    expectTypeOf(frame).not.toHaveProperty('H2Connection');
  });

  it('exports HPACK from h2duplex/hpack', function () {
    expectTypeOf<keyof typeof hpack>().toEqualTypeOf<(typeof HPACK_VALUES)[number]>();
    expect(sorted(Object.keys(hpack))).to.deep.equal(sorted(HPACK_VALUES));
    expectTypeOf(hpack.HpackDecoder).instance.toHaveProperty('decode').returns.toEqualTypeOf<hpack.DecodedBlock>();
    expectTypeOf<hpack.DecodedBlock['fields']>().items.toEqualTypeOf<hpack.DecodedField>();
    expectTypeOf<hpack.EncodeField>().toHaveProperty('neverIndex');
    expectTypeOf<hpack.HpackEncoderOptions>().toBeObject();
    expectTypeOf<hpack.HpackDecoderOptions>().toBeObject();
    expectTypeOf(hpack).not.toHaveProperty('FrameReader');
  });
});

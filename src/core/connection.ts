/**
 * H2Connection: the sans-IO HTTP/2 connection (h2 `connection.py`). Bytes in through
 * {@link H2Connection.receiveData}, events out; actions through `send*` methods, bytes out
 * through {@link H2Connection.dataToSend}. No sockets, timers or promises.
 *
 * Owns: the public API, the frame dispatch table, the output buffer, and the two places that
 * turn thrown errors into protocol answers (STYLE.md §5): `#receiveFrame` answers
 * stream-scoped errors with RST_STREAM, `receiveData` answers every other ProtocolError with
 * GOAWAY, rethrows, and ignores all later input.
 */
import { ErrorCodes } from '../error-codes.js';
import {
  H2Error,
  FlowControlError,
  FrameTooLargeError,
  NoAvailableStreamIDError,
  NoSuchStreamError,
  ProtocolError,
  RFC1122Error,
  StreamClosedError,
  StreamIDTooLowError,
  TooManyStreamsError,
  DenialOfServiceError,
  InvalidArgumentError,
  OutOfRangeError,
  UsageCodes,
} from '../errors.js';
import {
  AltSvcFrame,
  CLIENT_PREFACE,
  DataFrame,
  type Frame,
  FrameReader,
  FrameWriter,
  frameTypeName,
  GoAwayFrame,
  HeadersFrame,
  PingFrame,
  PriorityFrame,
  PushPromiseFrame,
  RstStreamFrame,
  SettingsFrame,
  UnknownFrame,
  WindowUpdateFrame,
} from '../frame/index.js';
import { type DecodedBlock, HpackDecoder, HpackEncoder } from '../hpack/index.js';
import { CountLimit, RateLimit } from './budgets.js';
import { ClosedStreams } from './closed-streams.js';
import { checkOptions, describe, H2Configuration, type H2ConfigurationOptions, type H2Logger, keysOf, NO_LOG } from './config.js';
import { ConnectionInput, ConnectionState, ConnectionStateMachine } from './connection-state.js';
import {
  AlternativeServiceAvailable,
  ConnectionTerminated,
  type Event,
  PingAckReceived,
  PingReceived,
  PriorityUpdated,
  RemoteSettingsChanged,
  SettingsAcknowledged,
  StreamReset,
  UnknownFrameReceived,
  WindowUpdated,
} from './events.js';
import { type HeaderInput, toOctetString, toOutboundFields } from './headers/normalize.js';
import { DEFAULT_MAX_CONCURRENT_STREAMS, DEFAULT_MAX_HEADER_LIST_SIZE, HIGHEST_ALLOWED_STREAM_ID } from './limits.js';
import { ChangedSetting, SettingCodes, Settings, type SettingsInput, settingsEntries, MAX_WINDOW_SIZE } from './settings.js';
import { CLOSED_ERROR_EVENTS, type OutboundFrame, Stream } from './stream.js';
import { StreamClosedBy, StreamInput, StreamState } from './stream-state.js';
import { decodeHttp2Settings, encodeHttp2Settings } from './upgrade.js';
import { guardIncrementWindow, WindowManager } from './windows.js';

/** Options of {@link H2Connection.sendHeaders}. */
export interface SendHeadersOptions {
  endStream?: boolean;
  priorityWeight?: number;
  priorityDependsOn?: number;
  priorityExclusive?: boolean;
}

/** Options of {@link H2Connection.sendData}. */
export interface SendDataOptions {
  endStream?: boolean;
  padLength?: number;
  /**
   * Extension (not in h2): keep `data` by reference instead of copying it into the output
   * (payloads of at least 4 KiB). The caller must not modify `data` until its bytes have been
   * taken with {@link H2Connection.dataToSendChunks}, which returns them as their own chunks;
   * {@link H2Connection.dataToSend} joins, and so copies them. H2Duplex uses it when it writes
   * to a socket directly.
   */
  zeroCopy?: boolean;
}

/** Options of {@link H2Connection.closeConnection}. */
export interface CloseConnectionOptions {
  /** GOAWAY debug data. */
  additionalData?: Uint8Array;
  /** Default: the highest stream the peer opened. */
  lastStreamId?: number;
}

/** Options of {@link H2Connection.advertiseAlternativeService}: one of the two. */
export interface AltSvcOptions {
  origin?: string | Uint8Array;
  streamId?: number;
}

/** Options of {@link H2Connection.prioritize}. */
export interface PrioritizeOptions {
  weight?: number;
  dependsOn?: number;
  exclusive?: boolean;
}

// Known option keys: a misspelt or snake_case key (h2's `end_stream`) throws instead of being ignored.
const SEND_HEADERS_KEYS = keysOf<SendHeadersOptions>({ endStream: null, priorityWeight: null, priorityDependsOn: null, priorityExclusive: null });
const SEND_DATA_KEYS = keysOf<SendDataOptions>({ endStream: null, padLength: null, zeroCopy: null });
const CLOSE_CONNECTION_KEYS = keysOf<CloseConnectionOptions>({ additionalData: null, lastStreamId: null });
const ALTSVC_KEYS = keysOf<AltSvcOptions>({ origin: null, streamId: null });
const PRIORITIZE_KEYS = keysOf<PrioritizeOptions>({ weight: null, dependsOn: null, exclusive: null });

/**
 * checkOptions for sendData, which runs per DATA frame: the keys are compared inline (about
 * 2 ns for a one- or two-key literal; a Set lookup costs about 10).
 */
function checkSendDataOptions(options: SendDataOptions): void {
  if (typeof options !== 'object' || (options as unknown) === null) checkOptions('sendData', options, SEND_DATA_KEYS);
  for (const key in options) {
    if (key !== 'endStream' && key !== 'zeroCopy' && key !== 'padLength') checkOptions('sendData', options, SEND_DATA_KEYS);
  }
}

type Serializable = { serializeInto(w: FrameWriter): void };

/** Frames the core queues by itself in answer to the peer (§4 #8 counts them). */
function isControlFrame(frame: Serializable): boolean {
  return (
    frame instanceof RstStreamFrame ||
    frame instanceof WindowUpdateFrame ||
    (frame instanceof PingFrame && frame.ack) ||
    (frame instanceof SettingsFrame && frame.ack)
  );
}

/**
 * Closed streams leave the stream map (for the bounded ClosedStreams record) when the open
 * streams are counted; counting is skipped while the map is smaller than MAX_CONCURRENT_STREAMS,
 * and forced once it holds this many, so the map stays small whatever the peer's limit.
 */
const PRUNE_AT = 128;
/** The answer to a request whose header list is over our limits (RFC 6585 §5). */
const HEADER_LIST_TOO_LARGE: HeaderInput[] = [[':status', '431']];

/** h2: `H2Connection`. */
export class H2Connection {
  readonly config: H2Configuration;
  readonly localSettings: Settings;
  readonly remoteSettings: Settings;
  highestInboundStreamId = 0;
  highestOutboundStreamId = 0;
  /** What we may still send on the connection (signed). */
  outboundFlowControlWindow = 65535;
  maxOutboundFrameSize: number;
  maxInboundFrameSize: number;

  readonly #stateMachine = new ConnectionStateMachine();
  readonly #streams = new Map<number, Stream>();
  readonly #closedStreams: ClosedStreams;
  readonly #encoder = new HpackEncoder();
  readonly #decoder: HpackDecoder;
  readonly #reader: FrameReader;
  readonly #writer = new FrameWriter();
  /** The connection's inbound window. */
  readonly #inbound = new WindowManager(65535);
  /** Set after a connection error: later input is ignored unparsed (notes/dos-defences.md §2.17). */
  #dead = false;
  /** `config.logger`, or null for h2's discarding default, so messages are built only when read. */
  readonly #log: H2Logger | null;
  // DoS budgets (notes/dos-defences.md §4; limits.ts has the defaults and reasons).
  readonly #resets: RateLimit;
  readonly #glitches: RateLimit;
  readonly #localResets: CountLimit;
  readonly #refused: CountLimit;
  /** Control frames queued while receiving and not yet taken (§4 #8). */
  #controlFrames = 0;
  /** True inside receiveData: control frames queued then are the peer's doing. */
  #receiving = false;
  #outstandingPings = 0;
  #outstandingSettings = 0;
  #remoteSettingsReceived = false;
  /** Set while a DATA or HEADERS frame arrives on a stream whose peer already sent END_STREAM. */
  #onEndedStream = false;
  /** The lowest last-stream-id of the GOAWAYs we sent; null before the first. */
  #goAwaySentLastStreamId: number | null = null;
  /** Set by the first GOAWAY we receive: we may open no more streams. */
  #goAwayReceived = false;

  constructor(config?: H2Configuration | H2ConfigurationOptions) {
    this.config = config instanceof H2Configuration ? config : new H2Configuration(config);
    const client = this.config.clientSide;
    this.localSettings = new Settings(client, new Map([
      [SettingCodes.MAX_CONCURRENT_STREAMS, DEFAULT_MAX_CONCURRENT_STREAMS],
      [SettingCodes.MAX_HEADER_LIST_SIZE, DEFAULT_MAX_HEADER_LIST_SIZE],
    ]));
    this.remoteSettings = new Settings(!client);
    this.maxOutboundFrameSize = this.remoteSettings.maxFrameSize;
    this.maxInboundFrameSize = this.localSettings.maxFrameSize;
    this.#closedStreams = new ClosedStreams(this.config.resetStreamRetention, this.config.clock);
    this.#log = this.config.logger === NO_LOG ? null : this.config.logger;
    this.#resets = new RateLimit(this.config.resetRateLimit, this.config.clock);
    this.#glitches = new RateLimit(this.config.glitchRateLimit, this.config.clock);
    this.#localResets = new CountLimit(this.config.maxLocalErrorResets);
    this.#refused = new CountLimit(this.config.maxRefusedStreams);
    this.#decoder = new HpackDecoder({ maxHeaderListSize: DEFAULT_MAX_HEADER_LIST_SIZE });
    this.#reader = new FrameReader({
      expectPreface: !client,
      maxFrameSize: this.maxInboundFrameSize,
      maxHeaderBlockSize: this.config.maxHeaderBlockSize,
      maxContinuationFrames: this.config.maxContinuationFrames,
    });
  }

  // ----------------------------------------------------------- properties

  /** h2 `state`: where the connection state machine is. */
  get state(): ConnectionState {
    return this.#stateMachine.state;
  }

  /** What the peer may still send on the connection. h2: `inbound_flow_control_window`. */
  get inboundFlowControlWindow(): number {
    return this.#inbound.currentWindowSize;
  }

  /** Streams we opened that are open or half-closed. h2: `open_outbound_streams`. */
  get openOutboundStreams(): number {
    return this.#countOpen(this.config.clientSide ? 1 : 0);
  }

  /** Streams the peer opened that are open or half-closed. h2: `open_inbound_streams`. */
  get openInboundStreams(): number {
    return this.#countOpen(this.config.clientSide ? 0 : 1);
  }

  /** Counts open streams of one parity, pruning closed streams into the bounded record (h2 `_open_streams`). */
  #countOpen(parity: number): number {
    let count = 0;
    for (const [id, stream] of this.#streams) {
      if (stream.closed) {
        this.#closedStreams.remember(id, stream.machine.closedBy);
        this.#streams.delete(id);
      } else if (id % 2 === parity && stream.open) {
        count += 1;
      }
    }
    return count;
  }

  // -------------------------------------------------------------- actions

  /** Queues the client preface (client) and our SETTINGS. h2: `initiate_connection`. */
  initiateConnection(): void {
    this.#log?.debug('Initializing connection');
    this.#stateMachine.processInput(ConnectionInput.SEND_SETTINGS);
    if (this.config.clientSide) this.#writer.writeBytes(CLIENT_PREFACE);
    this.#send([new SettingsFrame([...this.localSettings])]);
    this.#outstandingSettings += 1;
  }

  /**
   * h2c upgrade. Client: returns the HTTP2-Settings value to send. Server: applies the
   * client's HTTP2-Settings (`settingsHeader`) as received and returns null. Stream 1 becomes
   * half-closed (client: local; server: remote).
   * h2: `initiate_upgrade_connection`.
   */
  initiateUpgradeConnection(settingsHeader?: string | Uint8Array): string | null {
    this.initiateConnection();
    if (this.config.clientSide) {
      this.#stateMachine.processInput(ConnectionInput.SEND_HEADERS);
      const stream = this.#beginNewStream(1, 1);
      stream.machine.processInput(StreamInput.UPGRADE_CLIENT);
      return encodeHttp2Settings([...this.localSettings]);
    }
    if (settingsHeader !== undefined) {
      // Applied as if received in a SETTINGS frame; h2 sends no ACK and reports no event.
      this.#applyReceivedSettings(decodeHttp2Settings(settingsHeader));
    }
    this.#stateMachine.processInput(ConnectionInput.RECV_HEADERS);
    const stream = this.#beginNewStream(1, 1);
    stream.machine.processInput(StreamInput.UPGRADE_SERVER);
    return null;
  }

  /** The next stream id we may open (not reserved by this call). h2: `get_next_available_stream_id`. */
  getNextAvailableStreamId(): number {
    const next = this.highestOutboundStreamId === 0 ? (this.config.clientSide ? 1 : 2) : this.highestOutboundStreamId + 2;
    if (next > HIGHEST_ALLOWED_STREAM_ID) throw new NoAvailableStreamIDError('Exhausted allowed stream IDs');
    return next;
  }

  /**
   * h2 `send_headers`: HEADERS (and CONTINUATIONs) on a stream, opening it if new.
   * @throws InvalidArgumentError for headers that are not [name, value] pairs or an unknown
   *   option; ProtocolError (h2's) for a stream state that forbids it, or (code
   *   `ERR_H2_GOAWAY`) a new stream after a GOAWAY either way.
   */
  sendHeaders(streamId: number, headers: Iterable<HeaderInput>, options: SendHeadersOptions = {}): void {
    checkOptions('sendHeaders', options, SEND_HEADERS_KEYS);
    this.#log?.debug(`Send headers on stream ID ${streamId}`);
    const fields = toOutboundFields(headers);
    if (!this.#streams.has(streamId)) {
      this.#refuseNewOutboundStream();
      const max = this.remoteSettings.maxConcurrentStreams;
      // Counting walks (and prunes) every stream; with fewer known streams than the limit it
      // cannot be reached, so skip it until the map holds PRUNE_AT streams.
      if (this.#streams.size >= Math.min(max, PRUNE_AT)) {
        const open = this.openOutboundStreams;
        if (open + 1 > max) throw new TooManyStreamsError(`Max outbound streams is ${max}, ${open} open`);
      }
    }
    const { priorityWeight, priorityDependsOn, priorityExclusive } = options;
    let priority = null;
    if (priorityWeight !== undefined || priorityDependsOn !== undefined || priorityExclusive !== undefined) {
      if (!this.config.clientSide) throw new RFC1122Error('Servers SHOULD NOT prioritize streams.');
      priority = this.#priorityFields(streamId, priorityWeight, priorityDependsOn, priorityExclusive);
    }
    this.#stateMachine.processInput(ConnectionInput.SEND_HEADERS);
    if (this.config.validateOutboundHeaders && this.remoteSettings.enableConnectProtocol !== 1 && fields.some((f) => f.name === ':protocol')) {
      throw new ProtocolError('Cannot send :protocol: the peer has not enabled extended CONNECT (RFC 8441)');
    }
    const stream = this.#getOrCreateStream(streamId, this.config.clientSide ? 1 : 0);
    this.#send(stream.sendHeaders(fields, this.#encoder, options.endStream === true, priority));
  }

  /**
   * h2 `send_data`: DATA on a stream, split at the peer's MAX_FRAME_SIZE; checks the flow-control window.
   * @throws InvalidArgumentError for `data` that is not a Uint8Array or an unknown option;
   *   OutOfRangeError for a `padLength` outside 0..255; FlowControlError beyond the window.
   */
  sendData(streamId: number, data: Uint8Array, options: SendDataOptions = {}): void {
    if (!(data instanceof Uint8Array)) throw new InvalidArgumentError(`sendData: data must be a Uint8Array, not ${describe(data)}`);
    checkSendDataOptions(options);
    this.#log?.debug(`Send data on stream ID ${streamId} with len ${data.length}`);
    const padLength = options.padLength ?? null;
    let frameSize = data.length;
    if (padLength !== null) {
      if (!Number.isInteger(padLength)) throw new InvalidArgumentError(`sendData: padLength must be an integer, not ${describe(padLength)}`, 'ERR_H2_INVALID_OPTION');
      if (padLength < 0 || padLength > 255) throw new OutOfRangeError(`sendData: padLength must be within range: [0, 255], not ${padLength}`);
      frameSize += padLength + 1;
    }
    const window = this.localFlowControlWindow(streamId);
    if (frameSize > 0 && frameSize > window) throw new FlowControlError(`Cannot send ${frameSize} bytes, flow control window is ${window}`);
    if (padLength !== null && padLength + 1 > this.maxOutboundFrameSize) {
      throw new FrameTooLargeError(`Cannot send padding of ${padLength}, max frame size is ${this.maxOutboundFrameSize}`);
    }
    this.#stateMachine.processInput(ConnectionInput.SEND_DATA);
    const frames = this.#getStreamById(streamId).sendData(data, options.endStream === true, padLength);
    this.#writer.lendPayloads = options.zeroCopy === true;
    try {
      this.#send(frames);
    } finally {
      this.#writer.lendPayloads = false;
    }
    this.outboundFlowControlWindow -= frameSize;
  }

  /** h2 `end_stream`: an empty DATA frame with END_STREAM. */
  endStream(streamId: number): void {
    this.#log?.debug(`End stream ID ${streamId}`);
    this.#stateMachine.processInput(ConnectionInput.SEND_DATA);
    this.#send(this.#getStreamById(streamId).endStream());
  }

  /** PUSH_PROMISE on `streamId` reserving `promisedStreamId` (server only, if the client allows push). h2: `push_stream`. */
  pushStream(streamId: number, promisedStreamId: number, requestHeaders: Iterable<HeaderInput>): void {
    this.#log?.debug(`Send Push Promise frame on stream ID ${streamId}`);
    if (this.remoteSettings.enablePush === 0) throw new ProtocolError('Remote peer has disabled stream push');
    const fields = toOutboundFields(requestHeaders);
    this.#stateMachine.processInput(ConnectionInput.SEND_PUSH_PROMISE);
    const parent = this.#getStreamById(streamId);
    if (streamId % 2 === 0) throw new ProtocolError('Cannot recursively push streams.');
    this.#refuseNewOutboundStream();
    const promised = this.#beginNewStream(promisedStreamId, 0);
    const frames = parent.pushStreamInBand(promisedStreamId, fields, this.#encoder);
    promised.locallyPushed(fields);
    this.#send(frames);
  }

  /** h2 `reset_stream`: RST_STREAM with `errorCode`. */
  resetStream(streamId: number, errorCode: ErrorCodes | number = ErrorCodes.NO_ERROR): void {
    this.#log?.debug(`Reset stream ID ${streamId}`);
    this.#stateMachine.processInput(ConnectionInput.SEND_RST_STREAM);
    this.#send(this.#getStreamById(streamId).resetStream(errorCode));
  }

  /** Grants the peer `increment` more octets on the connection or one stream. h2: `increment_flow_control_window`. */
  incrementFlowControlWindow(increment: number, streamId?: number): void {
    if (!Number.isInteger(increment) || increment < 1 || increment > MAX_WINDOW_SIZE) {
      throw new OutOfRangeError(`Flow control increment must be between 1 and ${MAX_WINDOW_SIZE}, not ${String(increment)}`);
    }
    this.#log?.debug(`Increase stream ID ${streamId ?? 0} flow control window by ${increment}`);
    this.#stateMachine.processInput(ConnectionInput.SEND_WINDOW_UPDATE);
    if (streamId !== undefined && streamId !== 0) {
      this.#send(this.#getStreamById(streamId).increaseFlowControlWindow(increment));
    } else {
      this.#inbound.windowOpened(increment);
      this.#send([new WindowUpdateFrame(0, increment)]);
    }
  }

  /** What we may send on `streamId` now: min(connection, stream) outbound window. h2 `local_flow_control_window`. */
  localFlowControlWindow(streamId: number): number {
    const stream = this.#getStreamById(streamId);
    return Math.min(this.outboundFlowControlWindow, stream.outboundWindow);
  }

  /** What the peer may send on `streamId` now: min(connection, stream) inbound window. h2 `remote_flow_control_window`. */
  remoteFlowControlWindow(streamId: number): number {
    const stream = this.#getStreamById(streamId);
    return Math.min(this.#inbound.currentWindowSize, stream.inbound.currentWindowSize);
  }

  /**
   * The application consumed `acknowledgedSize` octets of `streamId`: queue WINDOW_UPDATEs
   * when h2's rule says enough was consumed (connection first, then the stream).
   * h2: `acknowledge_received_data`.
   */
  acknowledgeReceivedData(acknowledgedSize: number, streamId: number): void {
    if (!(streamId > 0)) throw new OutOfRangeError(`Stream ID ${streamId} is not valid for acknowledgeReceivedData: it must be above 0`);
    if (!(acknowledgedSize >= 0)) throw new OutOfRangeError(`Cannot acknowledge negative data: ${acknowledgedSize}`);
    const frames: OutboundFrame[] = [];
    const connIncrement = this.#inbound.processBytes(acknowledgedSize);
    if (connIncrement > 0) frames.push(new WindowUpdateFrame(0, connIncrement));
    let stream: Stream | null = null;
    try {
      stream = this.#getStreamById(streamId);
    } catch (err) {
      if (!(err instanceof StreamClosedError)) throw err;
    }
    if (stream !== null) frames.push(...stream.acknowledgeReceivedData(acknowledgedSize));
    this.#send(frames);
  }

  /**
   * PING with exactly 8 octets. h2: `ping`.
   * @throws OutOfRangeError unless `opaqueData` is 8 octets in a Uint8Array (h2's ValueError;
   *   a string is refused as h2 refuses `str`); InvalidArgumentError for anything else;
   *   H2Error (ENHANCE_YOUR_CALM) with `maxOutstandingPings` PINGs already awaiting their ACK.
   */
  ping(opaqueData: Uint8Array | string): void {
    if (typeof opaqueData === 'string') throw new OutOfRangeError(`Invalid value for ping data: ${JSON.stringify(opaqueData)}: it must be 8 octets in a Uint8Array, not a string`);
    if (!(opaqueData instanceof Uint8Array)) throw new InvalidArgumentError(`ping: opaqueData must be a Uint8Array of 8 octets, not ${describe(opaqueData)}`);
    if (opaqueData.length !== 8) throw new OutOfRangeError(`Invalid value for ping data: ${opaqueData.length} octets, it must be 8`);
    this.#log?.debug('Send Ping frame');
    if (this.#outstandingPings >= this.config.maxOutstandingPings) {
      throw new H2Error(`Cannot send PING: ${this.#outstandingPings} PINGs already await their ACK (maxOutstandingPings)`, ErrorCodes.ENHANCE_YOUR_CALM);
    }
    this.#stateMachine.processInput(ConnectionInput.SEND_PING);
    this.#outstandingPings += 1;
    this.#send([new PingFrame(Buffer.from(opaqueData))]);
  }

  /**
   * GOAWAY. `lastStreamId` defaults to the highest stream the peer opened. With NO_ERROR the
   * shutdown is graceful: streams that exist may finish, new ones are refused (see
   * {@link H2Connection.draining}); with any other code the connection is finished.
   * h2: `close_connection`.
   * @throws InvalidArgumentError for an unknown option or `additionalData` that is not a Uint8Array.
   */
  closeConnection(errorCode: ErrorCodes | number = ErrorCodes.NO_ERROR, options: CloseConnectionOptions = {}): void {
    checkOptions('closeConnection', options, CLOSE_CONNECTION_KEYS);
    if (options.additionalData !== undefined && !(options.additionalData instanceof Uint8Array)) {
      throw new InvalidArgumentError(`closeConnection: additionalData must be a Uint8Array, not ${describe(options.additionalData)}`, 'ERR_H2_INVALID_OPTION');
    }
    this.#log?.debug('Close connection');
    const lastStreamId = options.lastStreamId ?? this.highestInboundStreamId;
    this.#stateMachine.goAway(ConnectionInput.SEND_GOAWAY, errorCode === 0);
    this.#goAwaySentLastStreamId = Math.min(this.#goAwaySentLastStreamId ?? lastStreamId, lastStreamId);
    this.#send([new GoAwayFrame(lastStreamId, errorCode, options.additionalData)]);
  }

  /**
   * True after a graceful GOAWAY (NO_ERROR) either way, whether or not streams are open (our
   * addition; h2 has no graceful shutdown). `state` is CLOSED as in h2, but streams that exist
   * may still exchange frames until they close, and connection-level frames still flow: PING
   * and SETTINGS are answered, WINDOW_UPDATE applies (RFC 9113 §6.8). No new stream may be
   * opened; new streams from the peer above the last-stream-id we sent are refused with
   * RST_STREAM(REFUSED_STREAM). False again after a connection error or a GOAWAY with an
   * error code either way.
   *
   * For an adapter: `draining` with no open stream is a graceful close with nothing left to
   * do (its output may end); `state === CLOSED && !draining` is a dead connection.
   */
  get draining(): boolean {
    return this.#stateMachine.draining;
  }

  /** SETTINGS with exactly `newSettings`; they take effect when the peer acknowledges. h2: `update_settings`. */
  updateSettings(newSettings: SettingsInput): void {
    this.#log?.debug('Update connection settings');
    const entries = settingsEntries(newSettings);
    if (this.#outstandingSettings >= this.config.maxOutstandingSettings) {
      throw new H2Error(`Cannot send SETTINGS: ${this.#outstandingSettings} SETTINGS already await their ACK (maxOutstandingSettings)`, ErrorCodes.ENHANCE_YOUR_CALM);
    }
    this.#stateMachine.processInput(ConnectionInput.SEND_SETTINGS);
    this.#outstandingSettings += 1;
    for (const [code, value] of entries) this.localSettings.set(code, value);
    this.#send([new SettingsFrame(entries)]);
  }

  /**
   * ALTSVC (RFC 7838): on stream 0 for `origin`, or on a stream (server only). h2: `advertise_alternative_service`.
   * @throws InvalidArgumentError for a field value that is not a string or Uint8Array, an
   *   unknown option, or both `origin` and `streamId`.
   */
  advertiseAlternativeService(fieldValue: string | Uint8Array, options: AltSvcOptions = {}): void {
    if (typeof fieldValue !== 'string' && !(fieldValue instanceof Uint8Array)) {
      throw new InvalidArgumentError(`advertiseAlternativeService: the field value must be a string or a Uint8Array, not ${describe(fieldValue)}`);
    }
    checkOptions('advertiseAlternativeService', options, ALTSVC_KEYS);
    if (options.origin !== undefined && options.streamId !== undefined) {
      throw new InvalidArgumentError('advertiseAlternativeService: give origin (for stream 0) or streamId, not both', 'ERR_H2_INVALID_OPTION');
    }
    this.#stateMachine.processInput(ConnectionInput.SEND_ALTERNATIVE_SERVICE);
    const value = Buffer.from(toOctetString(fieldValue), 'latin1');
    if (options.origin !== undefined) {
      this.#send([new AltSvcFrame(0, Buffer.from(toOctetString(options.origin), 'latin1'), value)]);
    } else {
      this.#send(this.#getStreamById(options.streamId ?? -1).advertiseAlternativeService(value));
    }
  }

  /** PRIORITY (client only; RFC 9113 deprecates priorities but the frame is still valid). h2: `prioritize`. */
  prioritize(streamId: number, options: PrioritizeOptions = {}): void {
    checkOptions('prioritize', options, PRIORITIZE_KEYS);
    if (!this.config.clientSide) throw new RFC1122Error('Servers SHOULD NOT prioritize streams.');
    this.#stateMachine.processInput(ConnectionInput.SEND_PRIORITY);
    const p = this.#priorityFields(streamId, options.weight, options.dependsOn, options.exclusive);
    this.#send([new PriorityFrame(streamId, p.dependsOn, p.weight, p.exclusive)]);
  }

  /** Removes and returns queued output (all, or the first `amount` octets). h2: `data_to_send`. */
  dataToSend(amount?: number): Buffer {
    this.#controlFrames = 0;
    return this.#writer.take(amount);
  }

  /** True once the peer's first SETTINGS arrived (after its preface); for preface timeouts. Extension (not in h2). */
  get remoteSettingsReceived(): boolean {
    return this.#remoteSettingsReceived;
  }

  /** Our SETTINGS frames the peer has not acknowledged yet; for SETTINGS-ACK timeouts. Extension (not in h2). */
  get outstandingSettings(): number {
    return this.#outstandingSettings;
  }

  /**
   * Extension (not in h2): while true, new streams the peer opens are refused with
   * RST_STREAM(REFUSED_STREAM) and counted by `maxRefusedStreams`, exactly as streams over
   * our MAX_CONCURRENT_STREAMS are. H2Duplex sets it while the connection holds more than
   * `maxSessionMemory` (notes/dos-defences.md §4 #17): the core cannot see application buffers.
   */
  refuseNewStreams = false;

  /** Extension (not in h2): frames parsed from the peer (a HEADERS with its CONTINUATIONs counts once). */
  framesReceived = 0;
  /** Extension (not in h2): frames queued for the peer (a HEADERS split into CONTINUATIONs counts once). */
  framesSent = 0;

  /** True while a HEADERS/PUSH_PROMISE block waits for its CONTINUATIONs (it blocks the connection). Extension (not in h2). */
  get inHeaderBlock(): boolean {
    return this.#reader.inFieldBlock;
  }

  /**
   * Frees idle memory (our addition: adapters call it when a connection goes quiet): the
   * output slab, and closed streams, which h2 keeps until it next counts open streams.
   */
  releaseBuffers(): void {
    this.#writer.release();
    this.#countOpen(0);
  }

  /** Octets queued for {@link dataToSend} (our addition, for adapters that bound their output). */
  get outboundDataLength(): number {
    return this.#writer.length;
  }

  /**
   * The same bytes as {@link dataToSend}, as a list of Buffers that are not joined (our
   * addition: the stream adapter pushes each, so no octet is copied a second time).
   */
  dataToSendChunks(): Buffer[] {
    this.#controlFrames = 0;
    return this.#writer.takeChunks();
  }

  /** h2 `clear_outbound_data_buffer`: drops everything queued for the peer. */
  clearOutboundDataBuffer(): void {
    this.#controlFrames = 0;
    this.#writer.clear();
  }

  // ------------------------------------------------------------- receiving

  /**
   * Processes received bytes; returns the events they produced.
   * @throws ProtocolError (or a subclass) for a connection error, after queuing the GOAWAY
   *   h2 would queue (none for a bad client preface). All later input is ignored.
   * h2: `receive_data`.
   */
  receiveData(data: Uint8Array): Event[] {
    this.#log?.trace('Process received data on connection. Received data:', data);
    if (this.#dead) return [];
    const events: Event[] = [];
    this.#reader.maxFrameSize = this.maxInboundFrameSize;
    this.#reader.feed(data);
    this.#receiving = true;
    try {
      for (;;) {
        let frame: Frame | null;
        try {
          frame = this.#reader.next();
        } catch (err) {
          // The frame layer's stream errors are PRIORITY of the wrong length and WINDOW_UPDATE
          // of 0 on a stream: MadeYouReset primitives, escalated unless configured otherwise.
          if (err instanceof ProtocolError && err.scope === 'stream' && err.streamId !== null && !this.config.escalateStreamErrors) {
            try {
              events.push(...this.#answerStreamError(err.streamId, err.errorCode));
            } catch (budgetErr) {
              this.#fail(budgetErr, false);
            }
            continue;
          }
          this.#fail(err, err instanceof ProtocolError && err.message === 'Invalid HTTP/2 preamble.');
        }
        if (frame === null) return events;
        this.framesReceived += 1;
        try {
          events.push(...this.#receiveFrame(frame));
        } catch (err) {
          this.#fail(err, false);
        }
      }
    } finally {
      this.#receiving = false;
    }
  }

  /** Connection error: queue GOAWAY (unless the peer is not speaking HTTP/2), stop, rethrow. */
  #fail(err: unknown, silent: boolean): never {
    this.#dead = true;
    if (err instanceof ProtocolError && !silent) {
      this.#stateMachine.fail();
      const debug = err instanceof DenialOfServiceError ? Buffer.from(err.message.split(':')[0] ?? '', 'latin1') : undefined;
      this.#send([new GoAwayFrame(this.highestInboundStreamId, err.errorCode, debug)]);
    }
    throw err;
  }

  /**
   * One handler per frame type (h2 `_frame_dispatch_table`); null for an unknown type. A
   * switch rather than a table of closures: a table would be built for every connection.
   */
  #handle(frame: Frame): { frames: Serializable[]; events: Event[] } | null {
    switch (frame.type) {
      case DataFrame.TYPE:
        return this.#receiveDataFrame(frame as DataFrame);
      case HeadersFrame.TYPE:
        return this.#receiveHeadersFrame(frame as HeadersFrame);
      case PriorityFrame.TYPE:
        return this.#receivePriorityFrame(frame as PriorityFrame);
      case RstStreamFrame.TYPE:
        return this.#receiveRstStreamFrame(frame as RstStreamFrame);
      case SettingsFrame.TYPE:
        return this.#receiveSettingsFrame(frame as SettingsFrame);
      case PushPromiseFrame.TYPE:
        return this.#receivePushPromiseFrame(frame as PushPromiseFrame);
      case PingFrame.TYPE:
        return this.#receivePingFrame(frame as PingFrame);
      case GoAwayFrame.TYPE:
        return this.#receiveGoAwayFrame(frame as GoAwayFrame);
      case WindowUpdateFrame.TYPE:
        return this.#receiveWindowUpdateFrame(frame as WindowUpdateFrame);
      case AltSvcFrame.TYPE:
        return this.#receiveAltSvcFrame(frame as AltSvcFrame);
      default:
        return null;
    }
  }

  /** Dispatches one frame; stream-scoped errors become RST_STREAM here (h2 `_receive_frame`). */
  #receiveFrame(frame: Frame): Event[] {
    this.#log?.debug('Received frame:', frame);
    if (!this.#remoteSettingsReceived && this.config.strictPreface && !(frame instanceof SettingsFrame && !frame.ack)) {
      // RFC 9113 §3.4: the preface is followed by SETTINGS; anything else is an invalid preface.
      throw new ProtocolError(`The peer's first frame is ${frameTypeName(frame.type)}, not SETTINGS (invalid connection preface)`);
    }
    this.#onEndedStream = this.config.escalateStreamErrors && (frame.type === DataFrame.TYPE || frame.type === HeadersFrame.TYPE) && this.#peerEnded(frame.streamId);
    try {
      const result = this.#handle(frame);
      if (result === null) {
        this.#glitch();
        return [new UnknownFrameReceived(frame as UnknownFrame)];
      }
      this.#send(result.frames);
      return result.events;
    } catch (err) {
      if (err instanceof StreamClosedError) {
        // A late frame on a stream we reset is a race, answered with RST_STREAM; after the
        // peer's own END_STREAM it is a MadeYouReset primitive (escalated: GOAWAY).
        if (this.#closedByReset(err.streamId) && !this.#onEndedStream) {
          this.#glitch();
          this.#countLocalReset();
          this.#send([new RstStreamFrame(err.streamId, err.errorCode)]);
          return CLOSED_ERROR_EVENTS.get(err) ?? [];
        }
        throw err;
      }
      if (err instanceof StreamIDTooLowError) {
        if (this.#closedByReset(err.streamId)) {
          this.#glitch();
          this.#countLocalReset();
          this.#send([new RstStreamFrame(err.streamId, ErrorCodes.STREAM_CLOSED)]);
          return [];
        }
        if (this.#closedByEnd(err.streamId)) throw new StreamClosedError(err.streamId);
        throw err;
      }
      if (err instanceof ProtocolError && err.scope === 'stream' && err.streamId !== null) {
        return this.#answerStreamError(err.streamId, err.errorCode);
      }
      throw err;
    }
  }

  /** RFC 9113 §5.4.2: reset the stream (a malformed message or a stream-level rule broken). */
  #answerStreamError(streamId: number, errorCode: number): Event[] {
    this.#glitch();
    this.#countLocalReset();
    const stream = this.#streams.get(streamId);
    if (stream !== undefined && !stream.closed) {
      stream.machine.state = StreamState.CLOSED;
      stream.machine.closedBy = StreamClosedBy.SEND_RST_STREAM;
    }
    this.#send([new RstStreamFrame(streamId, errorCode)]);
    return [new StreamReset(streamId, errorCode, false)];
  }

  #receiveDataFrame(frame: DataFrame): { frames: Serializable[]; events: Event[] } {
    this.#stateMachine.processInput(ConnectionInput.RECV_DATA);
    const length = frame.flowControlledLength;
    // CVE-2019-9518: empty DATA without END_STREAM costs work and carries nothing.
    if (length === 0 && !frame.endStream) this.#glitch();
    this.#inbound.windowConsumed(length);
    const data = Buffer.isBuffer(frame.data) ? frame.data : Buffer.from(frame.data);
    try {
      return { frames: [], events: this.#getStreamById(frame.streamId).receiveData(data, frame.endStream, length) };
    } catch (err) {
      if (err instanceof StreamClosedError || (err instanceof ProtocolError && err.scope === 'stream')) {
        // The data will never reach the application: hand its connection window back now (h2).
        const increment = this.#inbound.processBytes(length);
        if (increment > 0) this.#send([new WindowUpdateFrame(0, increment)]);
        if (err instanceof StreamClosedError) {
          if (this.#onEndedStream) throw err;
          this.#glitch();
          this.#countLocalReset();
          this.#send([new RstStreamFrame(err.streamId, err.errorCode)]);
          return { frames: [], events: CLOSED_ERROR_EVENTS.get(err) ?? [] };
        }
      }
      throw err;
    }
  }

  #receiveHeadersFrame(frame: HeadersFrame): { frames: Serializable[]; events: Event[] } {
    let overLimit = false;
    if (!this.#streams.has(frame.streamId) && frame.streamId > this.highestInboundStreamId) {
      const max = this.localSettings.maxConcurrentStreams;
      if (this.refuseNewStreams) overLimit = true;
      else if (this.#streams.size >= Math.min(max, PRUNE_AT)) overLimit = this.openInboundStreams + 1 > max;
    }
    // Decoded before anything else so the compression context stays in sync whatever happens next.
    const block = this.#decoder.decode(frame.headerBlock);
    const oversized = this.#oversizedRequest(frame.streamId, block);
    const headers = oversized ? [] : this.#headerList(block);
    this.#stateMachine.processInput(ConnectionInput.RECV_HEADERS);
    // RFC 9113 §5.1.2: a stream over our MAX_CONCURRENT_STREAMS is a stream error; REFUSED_STREAM
    // tells the peer it may retry (h2 makes it a connection error: see README).
    if (overLimit) {
      this.#refuseNewStream(frame.streamId);
      return { frames: [], events: [] };
    }
    if (this.#refusedAfterGoAway(frame.streamId)) return { frames: [], events: [] };
    const stream = this.#getOrCreateStream(frame.streamId, this.config.clientSide ? 0 : 1);
    this.#refused.reset();
    if (oversized) return this.#answerOversizedRequest(stream, frame.endStream);
    if (this.config.validateInboundHeaders && !this.config.clientSide && this.localSettings.enableConnectProtocol !== 1 && headers.some(([name]) => name === ':protocol')) {
      // RFC 8441 §3/§4: :protocol without our SETTINGS_ENABLE_CONNECT_PROTOCOL is a malformed request.
      throw new ProtocolError('Received :protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL', { streamId: frame.streamId, scope: 'stream' });
    }
    let priority: PriorityUpdated | null = null;
    if (frame.priority !== null) {
      priority = new PriorityUpdated(frame.streamId, frame.priority.weight + 1, frame.priority.dependsOn, frame.priority.exclusive);
      if (priority.dependsOn === frame.streamId) {
        throw new ProtocolError(`Stream ${frame.streamId} may not depend on itself`, { streamId: frame.streamId, scope: this.#streamErrorScope() });
      }
    }
    return { frames: [], events: stream.receiveHeaders(headers, frame.endStream, priority) };
  }

  #receivePriorityFrame(frame: PriorityFrame): { frames: Serializable[]; events: Event[] } {
    this.#stateMachine.processInput(ConnectionInput.RECV_PRIORITY);
    // CVE-2019-9513: priorities are advisory (RFC 9113 §5.3); a flood of them is a glitch.
    this.#glitch();
    // RFC 9113 §5.3.1: self-dependency is a stream error (escalated: MadeYouReset).
    if (frame.dependsOn === frame.streamId) throw new ProtocolError(`Stream ${frame.streamId} may not depend on itself`, { streamId: frame.streamId, scope: this.#streamErrorScope() });
    return { frames: [], events: [new PriorityUpdated(frame.streamId, frame.weight + 1, frame.dependsOn, frame.exclusive)] };
  }

  #receiveRstStreamFrame(frame: RstStreamFrame): { frames: Serializable[]; events: Event[] } {
    this.#stateMachine.processInput(ConnectionInput.RECV_RST_STREAM);
    // CVE-2023-44487 (Rapid Reset): resets of streams the peer opened are rate limited.
    if (!this.#isOutbound(frame.streamId) && !this.#resets.take()) throw new DenialOfServiceError('too_many_resets: RST_STREAM rate limit (resetRateLimit) exceeded');
    const stream = this.#streams.get(frame.streamId);
    if (stream === undefined) {
      // RFC 9113 §6.4: RST_STREAM on an idle stream is a connection error (h2 ignores it).
      if (this.#isIdle(frame.streamId)) throw new ProtocolError(`RST_STREAM on idle stream ${frame.streamId}`, { streamId: frame.streamId });
      return { frames: [], events: [] };
    }
    return { frames: [], events: stream.streamReset(frame.errorCode) };
  }

  #receiveSettingsFrame(frame: SettingsFrame): { frames: Serializable[]; events: Event[] } {
    this.#stateMachine.processInput(ConnectionInput.RECV_SETTINGS);
    if (frame.ack) {
      if (this.#outstandingSettings > 0) this.#outstandingSettings -= 1;
      return { frames: [], events: [new SettingsAcknowledged(this.#localSettingsAcked())] };
    }
    // CVE-2019-9515 variant: settings are applied one by one; cap the work per frame.
    if (frame.settings.length > this.config.maxSettingsEntries) {
      throw new DenialOfServiceError(`too_many_settings: ${frame.settings.length} entries in one SETTINGS frame (maxSettingsEntries ${this.config.maxSettingsEntries})`);
    }
    this.#remoteSettingsReceived = true;
    const changed = this.#applyReceivedSettings(frame.settings);
    return { frames: [new SettingsFrame([], true)], events: [new RemoteSettingsChanged(changed)] };
  }

  /**
   * Validates the peer's settings, records them as current (we acknowledge at once) and
   * applies their effects. Returns what changed, with the values before this frame.
   */
  #applyReceivedSettings(settings: ReadonlyArray<readonly [number, number]>): Map<number, ChangedSetting> {
    const received = new Map<number, number>();
    for (const [code, value] of settings) {
      this.remoteSettings.validateReceivedSetting(code, value);
      // RFC 8441 §3: once enabled, extended CONNECT cannot be withdrawn.
      if (code === (SettingCodes.ENABLE_CONNECT_PROTOCOL as number) && value === 0 && this.remoteSettings.enableConnectProtocol === 1) {
        throw new ProtocolError('SETTINGS_ENABLE_CONNECT_PROTOCOL changed from 1 to 0');
      }
      received.set(code, value); // duplicates: the last one wins
    }
    const changed = new Map<number, ChangedSetting>();
    for (const [code, value] of received) {
      changed.set(code, new ChangedSetting(code, this.remoteSettings.get(code) ?? null, value));
      this.remoteSettings.set(code, value);
    }
    this.#stateMachine.processInput(ConnectionInput.SEND_SETTINGS);
    this.#applyRemoteSettings(this.remoteSettings.acknowledge());
    return changed;
  }

  #receivePushPromiseFrame(frame: PushPromiseFrame): { frames: Serializable[]; events: Event[] } {
    if (this.localSettings.enablePush === 0) throw new ProtocolError('Received pushed stream');
    const headers = this.#decodeHeaders(frame.headerBlock);
    this.#stateMachine.processInput(ConnectionInput.RECV_PUSH_PROMISE);
    let parent: Stream;
    try {
      parent = this.#getStreamById(frame.streamId);
    } catch (err) {
      if (!(err instanceof NoSuchStreamError)) throw err;
      if (this.#closedBy(frame.streamId) === StreamClosedBy.SEND_RST_STREAM) return this.#refusePush(frame.promisedStreamId);
      throw new ProtocolError('Attempted to push on closed stream.');
    }
    if (frame.streamId % 2 === 0) throw new ProtocolError('Cannot recursively push streams.');
    let events: Event[];
    try {
      events = parent.receivePushPromiseInBand(frame.promisedStreamId, headers);
    } catch (err) {
      if (err instanceof StreamClosedError) return this.#refusePush(frame.promisedStreamId);
      throw err;
    }
    if (this.#refusedAfterGoAway(frame.promisedStreamId)) return { frames: [], events: [] };
    const promised = this.#beginNewStream(frame.promisedStreamId, 0);
    promised.remotelyPushed(headers.map(([name, value]) => ({ name, value })));
    return { frames: [], events };
  }

  /**
   * A push on a stream we reset, or that is closed, is refused (h2). The promised id is not
   * used up, so a peer could repeat it forever: each counts as a glitch and a local reset.
   */
  #refusePush(promisedStreamId: number): { frames: Serializable[]; events: Event[] } {
    this.#glitch();
    this.#countLocalReset();
    return { frames: [new RstStreamFrame(promisedStreamId, ErrorCodes.REFUSED_STREAM)], events: [] };
  }

  #receivePingFrame(frame: PingFrame): { frames: Serializable[]; events: Event[] } {
    this.#stateMachine.processInput(ConnectionInput.RECV_PING);
    const data = Buffer.from(frame.opaqueData);
    if (frame.ack) {
      if (this.#outstandingPings > 0) this.#outstandingPings -= 1;
      return { frames: [], events: [new PingAckReceived(data)] };
    }
    return { frames: [new PingFrame(data, true)], events: [new PingReceived(data)] };
  }

  /**
   * GOAWAY. With an error code the connection is over (h2: the outbound buffer is cleared).
   * With NO_ERROR it drains: our streams above `lastStreamId` were never processed, so they
   * close now, reported as StreamReset(REFUSED_STREAM) (safe to retry); the rest may finish.
   */
  #receiveGoAwayFrame(frame: GoAwayFrame): { frames: Serializable[]; events: Event[] } {
    const graceful = frame.errorCode === 0; // NO_ERROR
    this.#stateMachine.goAway(ConnectionInput.RECV_GOAWAY, graceful);
    this.#goAwayReceived = true;
    if (!graceful) this.clearOutboundDataBuffer();
    const data = frame.additionalData.length > 0 ? Buffer.from(frame.additionalData) : null;
    const events: Event[] = [new ConnectionTerminated(frame.errorCode, frame.lastStreamId, data)];
    if (graceful) {
      for (const [id, stream] of this.#streams) {
        if (id > frame.lastStreamId && this.#isOutbound(id) && !stream.closed) {
          stream.machine.state = StreamState.CLOSED;
          stream.machine.closedBy = StreamClosedBy.RECV_RST_STREAM;
          events.push(new StreamReset(id, ErrorCodes.REFUSED_STREAM, true));
        }
      }
    }
    return { frames: [], events };
  }

  #receiveWindowUpdateFrame(frame: WindowUpdateFrame): { frames: Serializable[]; events: Event[] } {
    this.#stateMachine.processInput(ConnectionInput.RECV_WINDOW_UPDATE);
    if (frame.streamId === 0) {
      this.outboundFlowControlWindow = guardIncrementWindow(this.outboundFlowControlWindow, frame.windowIncrement);
      return { frames: [], events: [new WindowUpdated(0, frame.windowIncrement)] };
    }
    let stream: Stream;
    try {
      stream = this.#getStreamById(frame.streamId);
    } catch (err) {
      if (err instanceof StreamClosedError) {
        this.#glitch();
        return { frames: [], events: [] };
      }
      throw err;
    }
    // An overflow is a stream error (RFC 9113 §6.9.1) that #receiveFrame answers with
    // RST_STREAM(FLOW_CONTROL_ERROR), whatever escalateStreamErrors says (as nghttpd does);
    // maxLocalErrorResets bounds how often a peer can make us do it.
    return stream.receiveWindowUpdate(frame.windowIncrement);
  }

  #receiveAltSvcFrame(frame: AltSvcFrame): { frames: Serializable[]; events: Event[] } {
    this.#stateMachine.processInput(ConnectionInput.RECV_ALTERNATIVE_SERVICE);
    if (frame.streamId !== 0) {
      const stream = this.#streams.get(frame.streamId);
      return { frames: [], events: stream === undefined ? [] : stream.receiveAltSvc(frame) };
    }
    // RFC 7838 §4: on stream 0 an empty origin is ignored, and servers ignore ALTSVC.
    if (frame.origin.length === 0 || !this.config.clientSide) return { frames: [], events: [] };
    return { frames: [], events: [new AlternativeServiceAvailable(Buffer.from(frame.origin), Buffer.from(frame.fieldValue))] };
  }

  // --------------------------------------------------------------- helpers

  #send(frames: Serializable[]): void {
    for (const f of frames) {
      if (this.#receiving && isControlFrame(f) && ++this.#controlFrames > this.config.maxOutboundControlFrames) {
        // CVE-2019-9512/9514/9515: the peer makes us queue answers faster than they leave.
        throw new DenialOfServiceError(`flood: ${this.#controlFrames} control frames queued and not sent (maxOutboundControlFrames)`);
      }
      f.serializeInto(this.#writer);
      this.framesSent += 1;
    }
  }

  /** One frame that costs work and carries nothing (§4 #7). */
  #glitch(): void {
    if (!this.#glitches.take()) throw new DenialOfServiceError('too_many_glitches: empty, unknown, priority or late frames over glitchRateLimit');
  }

  /** One RST_STREAM we send because of the peer (§4 #5). */
  #countLocalReset(): void {
    if (!this.#localResets.take()) throw new DenialOfServiceError(`too_many_local_resets: ${this.#localResets.count} streams reset for peer errors (maxLocalErrorResets)`);
  }

  /** Where an escalatable stream error goes: the connection (default) or the stream (h2). */
  #streamErrorScope(): 'stream' | 'connection' {
    return this.config.escalateStreamErrors ? 'connection' : 'stream';
  }

  /** The peer already sent END_STREAM on this stream (it is half-closed remote, or closed by END_STREAMs). */
  #peerEnded(streamId: number): boolean {
    const stream = this.#streams.get(streamId);
    if (stream !== undefined) return stream.state === StreamState.HALF_CLOSED_REMOTE || (stream.closed && this.#closedByEnd(streamId));
    return this.#closedByEnd(streamId);
  }

  /** After a GOAWAY either way no new stream may start (RFC 9113 §6.8). Not a connection error. */
  #refuseNewOutboundStream(): void {
    if (this.#stateMachine.draining) {
      throw new ProtocolError('Cannot open a new stream: the connection is going away (a GOAWAY was sent or received); open it on a new connection', { code: UsageCodes.GOAWAY });
    }
  }

  /**
   * After we sent a graceful GOAWAY, a new stream from the peer above its last-stream-id is
   * refused: its id is used up (so later frames on it meet a reset stream) and RST_STREAM
   * (REFUSED_STREAM) tells the peer it may retry elsewhere. True if refused.
   */
  #refusedAfterGoAway(streamId: number): boolean {
    if (!this.#stateMachine.draining || this.#goAwaySentLastStreamId === null || streamId <= this.#goAwaySentLastStreamId) return false;
    if (this.#streams.has(streamId)) return false;
    this.#refuseNewStream(streamId);
    return true;
  }

  /** Uses up a new peer stream id and answers RST_STREAM(REFUSED_STREAM); later frames on it meet a reset stream. */
  #refuseNewStream(streamId: number): void {
    if (!this.#refused.take()) throw new DenialOfServiceError(`too_many_refused_streams: ${this.#refused.count} streams refused in a row (maxRefusedStreams)`);
    const stream = this.#beginNewStream(streamId, this.config.clientSide ? 0 : 1);
    stream.machine.state = StreamState.CLOSED;
    stream.machine.closedBy = StreamClosedBy.SEND_RST_STREAM;
    this.#send([new RstStreamFrame(streamId, ErrorCodes.REFUSED_STREAM)]);
  }

  #decodeHeaders(block: Uint8Array): Array<[string, string]> {
    return this.#headerList(this.#decoder.decode(block));
  }

  /**
   * A new request over maxHeaderListSize or maxHeaderListPairs (notes/dos-defences.md §4 #12,
   * #13) is refused with 431, not by ending the connection: only that request is at fault. A
   * client, trailers and PUSH_PROMISE keep h2's answer, GOAWAY(ENHANCE_YOUR_CALM).
   */
  #oversizedRequest(streamId: number, block: DecodedBlock): boolean {
    if (!block.tooLarge && block.fieldCount <= this.config.maxHeaderListPairs) return false;
    return !this.config.clientSide && streamId % 2 === 1 && streamId > this.highestInboundStreamId;
  }

  /**
   * RFC 6585 §5 / RFC 9113 §8.1: `:status 431` with END_STREAM; if the request body has not
   * ended, RST_STREAM(NO_ERROR) asks the client to stop sending it. The application never
   * sees the request. Counts a glitch (§4 #7).
   */
  #answerOversizedRequest(stream: Stream, endStream: boolean): { frames: Serializable[]; events: Event[] } {
    this.#glitch();
    this.#log?.debug(`Request on stream ${stream.streamId} refused with 431: its header list is over our limits`);
    stream.receiveOversizedRequest(endStream);
    this.sendHeaders(stream.streamId, HEADER_LIST_TOO_LARGE, { endStream: true });
    if (!endStream) this.resetStream(stream.streamId, ErrorCodes.NO_ERROR);
    return { frames: [], events: [] };
  }

  #headerList(result: DecodedBlock): Array<[string, string]> {
    if (result.fieldCount > this.config.maxHeaderListPairs) {
      throw new DenialOfServiceError(`too_many_headers: ${result.fieldCount} fields in one header block (maxHeaderListPairs ${this.config.maxHeaderListPairs})`);
    }
    if (result.tooLarge) {
      // h2: DenialOfServiceError (GOAWAY ENHANCE_YOUR_CALM). The block was fully decoded first.
      throw new DenialOfServiceError(`Oversized header block: A header list larger than ${this.#decoder.maxHeaderListSize} has been received`);
    }
    return result.fields.map((f) => [f.name, f.value]);
  }

  #priorityFields(streamId: number, weight = 16, dependsOn = 0, exclusive = false): { weight: number; dependsOn: number; exclusive: boolean } {
    if (!Number.isInteger(weight) || weight < 1 || weight > 256) throw new ProtocolError(`Weight must be between 1 and 256, not ${weight}`);
    if (dependsOn === streamId) throw new ProtocolError(`Stream ${streamId} must not depend on itself`);
    return { weight: weight - 1, dependsOn, exclusive };
  }

  #localSettingsAcked(): Map<number, ChangedSetting> {
    const changes = this.localSettings.acknowledge();
    const window = changes.get(SettingCodes.INITIAL_WINDOW_SIZE);
    if (window !== undefined) {
      const delta = window.newValue - (window.originalValue ?? 65535);
      for (const stream of this.#streams.values()) stream.inboundFlowControlChangeFromSettings(delta);
    }
    const listSize = changes.get(SettingCodes.MAX_HEADER_LIST_SIZE);
    if (listSize !== undefined) this.#decoder.maxHeaderListSize = listSize.newValue;
    const frameSize = changes.get(SettingCodes.MAX_FRAME_SIZE);
    if (frameSize !== undefined) this.maxInboundFrameSize = frameSize.newValue;
    const tableSize = changes.get(SettingCodes.HEADER_TABLE_SIZE);
    if (tableSize !== undefined) this.#decoder.setMaxTableSize(tableSize.newValue);
    return changes;
  }

  #applyRemoteSettings(changes: Map<number, ChangedSetting>): void {
    const window = changes.get(SettingCodes.INITIAL_WINDOW_SIZE);
    if (window !== undefined) {
      // RFC 9113 §6.9.2: applies to every stream's outbound window, and may make one negative.
      const delta = window.newValue - (window.originalValue ?? 65535);
      for (const stream of this.#streams.values()) stream.outboundWindow = guardIncrementWindow(stream.outboundWindow, delta);
    }
    const tableSize = changes.get(SettingCodes.HEADER_TABLE_SIZE);
    if (tableSize !== undefined) this.#encoder.setPeerMaxTableSize(tableSize.newValue);
    const frameSize = changes.get(SettingCodes.MAX_FRAME_SIZE);
    if (frameSize !== undefined) {
      this.maxOutboundFrameSize = frameSize.newValue;
      for (const stream of this.#streams.values()) stream.maxOutboundFrameSize = frameSize.newValue;
    }
  }

  #isOutbound(streamId: number): boolean {
    return streamId % 2 === (this.config.clientSide ? 1 : 0);
  }

  #isIdle(streamId: number): boolean {
    return streamId > (this.#isOutbound(streamId) ? this.highestOutboundStreamId : this.highestInboundStreamId);
  }

  #closedBy(streamId: number): StreamClosedBy | null | undefined {
    const stream = this.#streams.get(streamId);
    if (stream !== undefined) return stream.machine.closedBy;
    return this.#closedStreams.closedBy(streamId);
  }

  #closedByReset(streamId: number): boolean {
    const by = this.#closedBy(streamId);
    return by === StreamClosedBy.SEND_RST_STREAM || by === StreamClosedBy.RECV_RST_STREAM;
  }

  #closedByEnd(streamId: number): boolean {
    const by = this.#closedBy(streamId);
    return by === StreamClosedBy.SEND_END_STREAM || by === StreamClosedBy.RECV_END_STREAM;
  }

  /** A known stream; NoSuchStreamError above the highest id, StreamClosedError at or below it. */
  #getStreamById(streamId: number): Stream {
    const stream = this.#streams.get(streamId);
    if (stream !== undefined) return stream;
    if (this.#isIdle(streamId)) throw new NoSuchStreamError(streamId);
    throw new StreamClosedError(streamId);
  }

  #getOrCreateStream(streamId: number, allowedParity: number): Stream {
    return this.#streams.get(streamId) ?? this.#beginNewStream(streamId, allowedParity);
  }

  #beginNewStream(streamId: number, allowedParity: number): Stream {
    const outbound = this.#isOutbound(streamId);
    const highest = outbound ? this.highestOutboundStreamId : this.highestInboundStreamId;
    if (streamId <= highest) throw new StreamIDTooLowError(streamId, highest);
    if (streamId % 2 !== allowedParity) throw new ProtocolError('Invalid stream ID for peer.');
    const stream = new Stream(streamId, this.config, this.localSettings.initialWindowSize, this.remoteSettings.initialWindowSize, this.maxOutboundFrameSize);
    this.#streams.set(streamId, stream);
    if (outbound) this.highestOutboundStreamId = streamId;
    else this.highestInboundStreamId = streamId;
    return stream;
  }
}

/**
 * H2Connection: the sans-IO HTTP/2 connection (h2 `connection.py`). Bytes in through
 * {@link H2Connection.receiveData}, events out; actions through `send*` methods, bytes out
 * through {@link H2Connection.dataToSend}. No sockets, timers or promises.
 *
 * This file owns the public API: the actions we take (the send side, each checked against the
 * connection and stream state machines), the properties, and `receiveData`, the one place that
 * turns a connection error into GOAWAY (RFC 9113 §5.4.1): it queues the GOAWAY, rethrows, and
 * ignores all later input (h2 `receive_data`, `_terminate_connection`). The parts live in rooms
 * of their own:
 *  - frame-receiver.ts: one handler per received frame type, and the one place a stream
 *    error becomes RST_STREAM;
 *  - stream-registry.ts: streams by id, the stream-id rules, how closed streams closed;
 *  - output.ts: the queued output and the control-frame flood guard;
 *  - header-blocks.ts: the HPACK contexts and the limits on received header lists;
 *  - budgets.ts: the DoS budgets a peer's work is counted against;
 *  - send-options.ts: the options objects of the actions and their checks.
 */
import { ErrorCodes } from '../error-codes.js';
import {
  DenialOfServiceError, FlowControlError, FrameTooLargeError, H2Error, checkOptionKeys, describeValue, InvalidArgumentError, InvalidSettingsValueError, NoAvailableStreamIDError, OutOfRangeError, ProtocolError, RFC1122Error, StreamClosedError, TooManyStreamsError, UsageCodes,
} from '../errors.js';
import { AltSvcFrame, CLIENT_PREFACE, type Frame, FrameReader, GoAwayFrame, PingFrame, PriorityFrame, SettingsFrame, WindowUpdateFrame } from '../frame/index.js';
import { PeerBudgets } from './budgets.js';
import { H2Configuration, type H2ConfigurationOptions, type H2Logger, NO_LOG } from './config.js';
import { ConnectionInput, ConnectionState, ConnectionStateMachine } from './connection-state.js';
import type { Event } from './events.js';
import { FrameReceiver } from './frame-receiver.js';
import { HeaderBlocks } from './header-blocks.js';
import { type HeaderInput, toOctetString, toOutboundFields } from './headers/normalize.js';
import { DEFAULT_MAX_CONCURRENT_STREAMS, DEFAULT_MAX_HEADER_LIST_SIZE, HIGHEST_ALLOWED_STREAM_ID, SMALL_DATA_FRAME_OCTETS } from './limits.js';
import { OutputBuffer } from './output.js';
import { originFrame, priorityUpdateFrame } from './extension-frames.js';
import { type AltSvcOptions, ALTSVC_KEYS, CLOSE_CONNECTION_KEYS, type CloseConnectionOptions, checkSendDataOptions, PRIORITIZE_KEYS, type PrioritizeOptions, priorityFields, type SendDataOptions, type SendHeadersOptions, SEND_HEADERS_KEYS } from './send-options.js';
import { SettingCodes, Settings, type SettingsInput, settingsEntries, MAX_WINDOW_SIZE } from './settings.js';
import type { OutboundFrame, Stream } from './stream.js';
import { StreamRegistry } from './stream-registry.js';
import { StreamInput } from './stream-state.js';
import { decodeHttp2Settings, encodeHttp2Settings } from './upgrade.js';
import { WindowManager } from './windows.js';

/**
 * GOAWAY debug data for a connection error: the name of the budget a DenialOfServiceError ran
 * out of (its `debugData`), nothing for other errors.
 */
function goAwayDebugData(err: ProtocolError): Buffer | undefined {
  if (!(err instanceof DenialOfServiceError)) return undefined;
  return Buffer.from(err.debugData ?? frameLayerDebugData(err), 'latin1');
}

/**
 * The frame layer's two budgets (`maxContinuationFrames`, `maxHeaderBlockSize` in FrameReader)
 * throw DenialOfServiceError without `debugData`; their messages start with the budget's name
 * ("too_many_continuations: …", "header_block_too_large: …"). Read only for those, until the
 * frame layer passes `debugData` itself.
 */
function frameLayerDebugData(err: DenialOfServiceError): string {
  return err.message.split(':')[0] ?? '';
}

/** h2: `H2Connection`. */
export class H2Connection {
  readonly config: H2Configuration;
  readonly localSettings: Settings;
  readonly remoteSettings: Settings;
  /** What we may still send on the connection (signed). */
  outboundFlowControlWindow = 65535;
  /** The peer's SETTINGS_MAX_FRAME_SIZE: our DATA and header blocks are split at it. */
  maxOutboundFrameSize: number;
  /** Our acknowledged SETTINGS_MAX_FRAME_SIZE: larger frames from the peer are a connection error. */
  maxInboundFrameSize: number;

  /**
   * Extension (not in h2): while true, new streams the peer opens are refused with
   * RST_STREAM(REFUSED_STREAM) and counted by `maxRefusedStreams`, exactly as streams over
   * our MAX_CONCURRENT_STREAMS are. H2Duplex sets it while the connection holds more than
   * `maxSessionMemory`: the core cannot see application buffers.
   */
  refuseNewStreams = false;

  /** Extension (not in h2): frames parsed from the peer (a HEADERS with its CONTINUATIONs counts once). */
  framesReceived = 0;

  readonly #stateMachine = new ConnectionStateMachine();
  readonly #streams: StreamRegistry;
  readonly #headerBlocks: HeaderBlocks;
  readonly #reader: FrameReader;
  readonly #output: OutputBuffer;
  /** The connection's inbound window. */
  readonly #inbound = new WindowManager(65535);
  readonly #budgets: PeerBudgets;
  readonly #receiver: FrameReceiver;
  /** Set after a connection error: later input is ignored unparsed (CVE-2026-27135 class). */
  #dead = false;
  /** Octets handed to the frame reader so far (to tell an error in the client preface from any other). */
  #octetsFed = 0;
  /** `config.logger`, or null for h2's discarding default, so messages are built only when read. */
  readonly #log: H2Logger | null;

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
    this.#log = this.config.logger === NO_LOG ? null : this.config.logger;
    this.#streams = new StreamRegistry(this.config, this.localSettings, this.remoteSettings);
    this.#headerBlocks = new HeaderBlocks(this.config.maxHeaderListPairs);
    this.#output = new OutputBuffer(this.config.maxOutboundControlFrames);
    this.#budgets = new PeerBudgets(this.config);
    this.#reader = new FrameReader({
      expectPreface: !client,
      maxFrameSize: this.maxInboundFrameSize,
      maxHeaderBlockSize: this.config.maxHeaderBlockSize,
      maxContinuationFrames: this.config.maxContinuationFrames,
      // Each block is decoded before the next frame is read (FrameReceiver).
      reuseJoinedBlocks: true,
    });
    this.#receiver = new FrameReceiver(this, {
      config: this.config,
      log: this.#log,
      stateMachine: this.#stateMachine,
      streams: this.#streams,
      output: this.#output,
      budgets: this.#budgets,
      headerBlocks: this.#headerBlocks,
      inbound: this.#inbound,
      localSettings: this.localSettings,
      remoteSettings: this.remoteSettings,
    });
  }

  // ----------------------------------------------------------- properties

  /** h2 `state`: where the connection state machine is. */
  get state(): ConnectionState {
    return this.#stateMachine.state;
  }

  /** The highest stream id the peer used. h2: `highest_inbound_stream_id`. */
  get highestInboundStreamId(): number {
    return this.#streams.highestInboundStreamId;
  }

  /** Kept for h2 parity (a plain attribute there); the connection sets it as the peer opens streams. */
  set highestInboundStreamId(streamId: number) {
    this.#streams.highestInboundStreamId = streamId;
  }

  /** The highest stream id we used. h2: `highest_outbound_stream_id`. */
  get highestOutboundStreamId(): number {
    return this.#streams.highestOutboundStreamId;
  }

  /** Kept for h2 parity (a plain attribute there); the connection sets it as we open streams. */
  set highestOutboundStreamId(streamId: number) {
    this.#streams.highestOutboundStreamId = streamId;
  }

  /** What the peer may still send on the connection. h2: `inbound_flow_control_window`. */
  get inboundFlowControlWindow(): number {
    return this.#inbound.currentWindowSize;
  }

  /** Streams we opened that are open or half-closed. h2: `open_outbound_streams`. */
  get openOutboundStreams(): number {
    return this.#streams.countOpen(this.#streams.outboundParity);
  }

  /** Streams the peer opened that are open or half-closed. h2: `open_inbound_streams`. */
  get openInboundStreams(): number {
    return this.#streams.countOpen(this.#streams.inboundParity);
  }

  /** Extension (not in h2): frames queued for the peer (a HEADERS split into CONTINUATIONs counts once). */
  get framesSent(): number {
    return this.#output.framesSent;
  }

  /** Resets or adjusts the count (an adapter may zero it for its statistics). */
  set framesSent(count: number) {
    this.#output.framesSent = count;
  }

  // -------------------------------------------------------------- actions

  /** Queues the client preface (client) and our SETTINGS. h2: `initiate_connection`. */
  initiateConnection(): void {
    this.#log?.debug('Initializing connection');
    this.#stateMachine.processInput(ConnectionInput.SEND_SETTINGS);
    if (this.config.clientSide) this.#output.sendClientPreface();
    this.#output.send([new SettingsFrame([...this.localSettings])]);
    this.#receiver.outstandingSettings += 1;
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
      const stream = this.#streams.begin(1, 1, this.maxOutboundFrameSize);
      stream.machine.processInput(StreamInput.UPGRADE_CLIENT);
      return encodeHttp2Settings([...this.localSettings]);
    }
    if (settingsHeader !== undefined) {
      // Applied as if received in a SETTINGS frame; h2 sends no ACK and reports no event.
      this.#receiver.applyReceivedSettings(decodeHttp2Settings(settingsHeader));
    }
    this.#stateMachine.processInput(ConnectionInput.RECV_HEADERS);
    const stream = this.#streams.begin(1, 1, this.maxOutboundFrameSize);
    stream.machine.processInput(StreamInput.UPGRADE_SERVER);
    return null;
  }

  /** The next stream id we may open (not reserved by this call). h2: `get_next_available_stream_id`. */
  getNextAvailableStreamId(): number {
    const highest = this.#streams.highestOutboundStreamId;
    const next = highest === 0 ? (this.config.clientSide ? 1 : 2) : highest + 2;
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
    checkOptionKeys('sendHeaders', options, SEND_HEADERS_KEYS);
    this.#log?.debug(`Send headers on stream ID ${streamId}`);
    const fields = toOutboundFields(headers);
    if (!this.#streams.has(streamId)) {
      this.#refuseNewOutboundStream();
      const max = this.remoteSettings.maxConcurrentStreams;
      const open = this.#streams.countOpenNear(this.#streams.outboundParity, max);
      if (open + 1 > max) throw new TooManyStreamsError(`Max outbound streams is ${max}, ${open} open`);
    }
    const { priorityWeight, priorityDependsOn, priorityExclusive } = options;
    let priority = null;
    if (priorityWeight !== undefined || priorityDependsOn !== undefined || priorityExclusive !== undefined) {
      if (!this.config.clientSide) throw new RFC1122Error('Servers SHOULD NOT prioritize streams.');
      priority = priorityFields(streamId, priorityWeight, priorityDependsOn, priorityExclusive);
      // RFC 9218 §2.1: a peer that sent SETTINGS_NO_RFC7540_PRIORITIES=1 gets no RFC 7540 signals (nghttp2 drops them too).
      if (this.remoteSettings.noRfc7540Priorities === 1) priority = null;
    }
    this.#stateMachine.processInput(ConnectionInput.SEND_HEADERS);
    if (this.config.validateOutboundHeaders && this.remoteSettings.enableConnectProtocol !== 1 && fields.some((f) => f.name === ':protocol')) {
      throw new ProtocolError('Cannot send :protocol: the peer has not enabled extended CONNECT (RFC 8441)');
    }
    const stream = this.#streams.getOrBegin(streamId, this.#streams.outboundParity, this.maxOutboundFrameSize);
    this.#output.send(stream.sendHeaders(fields, this.#headerBlocks.encoder, options.endStream === true, priority));
  }

  /**
   * h2 `send_data`: DATA on a stream, split at the peer's MAX_FRAME_SIZE; checks the flow-control window.
   *
   * Data Dribble (CVE-2019-9511): a frame without END_STREAM, under 256 octets, that fills the
   * whole window then open (the stream's and the connection's, whichever is smaller) is one the
   * peer's tiny window forces on us; each takes one token of `smallDataFrameRateLimit`. When
   * they are spent nothing is queued but GOAWAY(ENHANCE_YOUR_CALM, "data_dribble").
   * @throws InvalidArgumentError for `data` that is not a Uint8Array or an unknown option;
   *   OutOfRangeError for a `padLength` outside 0..255; FlowControlError beyond the window;
   *   DenialOfServiceError (connection scope) when `smallDataFrameRateLimit` is spent: the
   *   connection is then closed, its GOAWAY queued, and later input ignored.
   */
  sendData(streamId: number, data: Uint8Array, options: SendDataOptions = {}): void {
    if (!(data instanceof Uint8Array)) throw new InvalidArgumentError(`sendData: data must be a Uint8Array, not ${describeValue(data)}`);
    checkSendDataOptions(options);
    this.#log?.debug(`Send data on stream ID ${streamId} with len ${data.length}`);
    const padLength = options.padLength ?? null;
    let frameSize = data.length;
    if (padLength !== null) {
      if (!Number.isInteger(padLength)) throw new InvalidArgumentError(`sendData: padLength must be an integer, not ${describeValue(padLength)}`, 'ERR_H2_INVALID_OPTION');
      if (padLength < 0 || padLength > 255) throw new OutOfRangeError(`sendData: padLength must be within range: [0, 255], not ${padLength}`);
      frameSize += padLength + 1;
    }
    const window = this.localFlowControlWindow(streamId);
    if (frameSize > 0 && frameSize > window) throw new FlowControlError(`Cannot send ${frameSize} bytes, flow control window is ${window}`);
    if (padLength !== null && padLength + 1 > this.maxOutboundFrameSize) {
      throw new FrameTooLargeError(`Cannot send padding of ${padLength}, max frame size is ${this.maxOutboundFrameSize}`);
    }
    const endStream = options.endStream === true;
    if (frameSize === window && frameSize < SMALL_DATA_FRAME_OCTETS && frameSize > 0 && !endStream) this.#smallDataFrame();
    this.#stateMachine.processInput(ConnectionInput.SEND_DATA);
    const frames = this.#streams.get(streamId).sendData(data, endStream, padLength);
    if (options.zeroCopy === true) this.#output.sendLent(frames);
    else this.#output.send(frames);
    this.outboundFlowControlWindow -= frameSize;
  }

  /** One forced small DATA frame: over `smallDataFrameRateLimit` the connection ends (see {@link sendData}). */
  #smallDataFrame(): void {
    try {
      this.#budgets.smallDataFrame();
    } catch (err) {
      this.#connectionError(err);
    }
  }

  /** h2 `end_stream`: an empty DATA frame with END_STREAM. */
  endStream(streamId: number): void {
    this.#log?.debug(`End stream ID ${streamId}`);
    this.#stateMachine.processInput(ConnectionInput.SEND_DATA);
    this.#output.send(this.#streams.get(streamId).endStream());
  }

  /** PUSH_PROMISE on `streamId` reserving `promisedStreamId` (server only, if the client allows push). h2: `push_stream`. */
  pushStream(streamId: number, promisedStreamId: number, requestHeaders: Iterable<HeaderInput>): void {
    this.#log?.debug(`Send Push Promise frame on stream ID ${streamId}`);
    // h2's class and message; node:http2's code (ERR_HTTP2_PUSH_DISABLED), so callers can tell it from other misuse.
    if (this.remoteSettings.enablePush === 0) throw new ProtocolError('Remote peer has disabled stream push', { code: 'ERR_H2_PUSH_DISABLED' });
    const fields = toOutboundFields(requestHeaders);
    this.#stateMachine.processInput(ConnectionInput.SEND_PUSH_PROMISE);
    const parent = this.#streams.get(streamId);
    if (streamId % 2 === 0) throw new ProtocolError('Cannot recursively push streams.', { code: 'ERR_H2_NESTED_PUSH' });
    this.#refuseNewOutboundStream();
    const promised = this.#streams.begin(promisedStreamId, 0, this.maxOutboundFrameSize);
    const frames = parent.pushStreamInBand(promisedStreamId, fields, this.#headerBlocks.encoder);
    promised.locallyPushed(fields);
    this.#output.send(frames);
  }

  /** h2 `reset_stream`: RST_STREAM with `errorCode`. */
  resetStream(streamId: number, errorCode: ErrorCodes | number = ErrorCodes.NO_ERROR): void {
    this.#log?.debug(`Reset stream ID ${streamId}`);
    this.#stateMachine.processInput(ConnectionInput.SEND_RST_STREAM);
    this.#output.send(this.#streams.get(streamId).resetStream(errorCode));
  }

  /** Grants the peer `increment` more octets on the connection or one stream. h2: `increment_flow_control_window`. */
  incrementFlowControlWindow(increment: number, streamId?: number): void {
    if (!Number.isInteger(increment) || increment < 1 || increment > MAX_WINDOW_SIZE) {
      throw new OutOfRangeError(`Flow control increment must be between 1 and ${MAX_WINDOW_SIZE}, not ${String(increment)}`);
    }
    this.#log?.debug(`Increase stream ID ${streamId ?? 0} flow control window by ${increment}`);
    this.#stateMachine.processInput(ConnectionInput.SEND_WINDOW_UPDATE);
    if (streamId !== undefined && streamId !== 0) {
      this.#output.send(this.#streams.get(streamId).increaseFlowControlWindow(increment));
    } else {
      this.#inbound.windowOpened(increment);
      this.#output.send([new WindowUpdateFrame(0, increment)]);
    }
  }

  /** What we may send on `streamId` now: min(connection, stream) outbound window. h2 `local_flow_control_window`. */
  localFlowControlWindow(streamId: number): number {
    const stream = this.#streams.get(streamId);
    return Math.min(this.outboundFlowControlWindow, stream.outboundWindow);
  }

  /** What the peer may send on `streamId` now: min(connection, stream) inbound window. h2 `remote_flow_control_window`. */
  remoteFlowControlWindow(streamId: number): number {
    const stream = this.#streams.get(streamId);
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
      stream = this.#streams.get(streamId);
    } catch (err) {
      if (!(err instanceof StreamClosedError)) throw err;
    }
    if (stream !== null) frames.push(...stream.acknowledgeReceivedData(acknowledgedSize));
    this.#output.send(frames);
  }

  /**
   * PING with exactly 8 octets. h2: `ping`.
   * @throws OutOfRangeError unless `opaqueData` is 8 octets in a Uint8Array (h2's ValueError;
   *   a string is refused as h2 refuses `str`); InvalidArgumentError for anything else;
   *   H2Error (ENHANCE_YOUR_CALM) with `maxOutstandingPings` PINGs already awaiting their ACK.
   */
  ping(opaqueData: Uint8Array | string): void {
    if (typeof opaqueData === 'string') throw new OutOfRangeError(`Invalid value for ping data: ${JSON.stringify(opaqueData)}: it must be 8 octets in a Uint8Array, not a string`);
    if (!(opaqueData instanceof Uint8Array)) throw new InvalidArgumentError(`ping: opaqueData must be a Uint8Array of 8 octets, not ${describeValue(opaqueData)}`);
    if (opaqueData.length !== 8) throw new OutOfRangeError(`Invalid value for ping data: ${opaqueData.length} octets, it must be 8`);
    this.#log?.debug('Send Ping frame');
    const outstanding = this.#receiver.outstandingPings;
    if (outstanding >= this.config.maxOutstandingPings) {
      throw new H2Error(`Cannot send PING: ${outstanding} PINGs already await their ACK (maxOutstandingPings); wait for an ACK first`, ErrorCodes.ENHANCE_YOUR_CALM, { code: 'ERR_H2_MAX_PENDING_PINGS' });
    }
    this.#stateMachine.processInput(ConnectionInput.SEND_PING);
    this.#receiver.outstandingPings += 1;
    this.#output.send([new PingFrame(Buffer.from(opaqueData))]);
  }

  /**
   * GOAWAY. `lastStreamId` defaults to the highest stream the peer opened. With NO_ERROR the
   * shutdown is graceful: streams that exist may finish, new ones are refused (see
   * {@link H2Connection.draining}); with any other code the connection is finished.
   * h2: `close_connection`.
   * @throws InvalidArgumentError for an unknown option or `additionalData` that is not a Uint8Array.
   */
  closeConnection(errorCode: ErrorCodes | number = ErrorCodes.NO_ERROR, options: CloseConnectionOptions = {}): void {
    checkOptionKeys('closeConnection', options, CLOSE_CONNECTION_KEYS);
    if (options.additionalData !== undefined && !(options.additionalData instanceof Uint8Array)) {
      throw new InvalidArgumentError(`closeConnection: additionalData must be a Uint8Array, not ${describeValue(options.additionalData)}`, 'ERR_H2_INVALID_OPTION');
    }
    this.#log?.debug('Close connection');
    const lastStreamId = options.lastStreamId ?? this.#streams.highestInboundStreamId;
    this.#stateMachine.goAway(ConnectionInput.SEND_GOAWAY, errorCode === 0);
    this.#stateMachine.goAwaySent(lastStreamId);
    this.#output.send([new GoAwayFrame(lastStreamId, errorCode, options.additionalData)]);
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
    const outstanding = this.#receiver.outstandingSettings;
    if (outstanding >= this.config.maxOutstandingSettings) {
      throw new H2Error(`Cannot send SETTINGS: ${outstanding} SETTINGS already await their ACK (maxOutstandingSettings); wait for an ACK first`, ErrorCodes.ENHANCE_YOUR_CALM, { code: 'ERR_H2_MAX_PENDING_SETTINGS' });
    }
    for (const [code, value] of entries) {
      // RFC 9218 §2.1: it belongs in the first SETTINGS frame and may not change after it.
      if (code === (SettingCodes.NO_RFC7540_PRIORITIES as number) && value !== this.localSettings.noRfc7540Priorities) {
        throw new InvalidSettingsValueError('SETTINGS_NO_RFC7540_PRIORITIES is sent in the first SETTINGS frame only (RFC 9218 §2.1): put it in localSettings before initiateConnection() (H2Duplex: the settings option)', ErrorCodes.PROTOCOL_ERROR);
      }
    }
    this.#stateMachine.processInput(ConnectionInput.SEND_SETTINGS);
    this.#receiver.outstandingSettings += 1;
    for (const [code, value] of entries) this.localSettings.set(code, value);
    this.#output.send([new SettingsFrame(entries)]);
  }

  /**
   * ALTSVC (RFC 7838): on stream 0 for `origin`, or on a stream (server only). h2: `advertise_alternative_service`.
   * @throws InvalidArgumentError for a field value that is not a string or Uint8Array, an
   *   unknown option, or both `origin` and `streamId`.
   */
  advertiseAlternativeService(fieldValue: string | Uint8Array, options: AltSvcOptions = {}): void {
    if (typeof fieldValue !== 'string' && !(fieldValue instanceof Uint8Array)) {
      throw new InvalidArgumentError(`advertiseAlternativeService: the field value must be a string or a Uint8Array, not ${describeValue(fieldValue)}`);
    }
    checkOptionKeys('advertiseAlternativeService', options, ALTSVC_KEYS);
    if (options.origin !== undefined && options.streamId !== undefined) {
      throw new InvalidArgumentError('advertiseAlternativeService: give origin (for stream 0) or streamId, not both', 'ERR_H2_INVALID_OPTION');
    }
    this.#stateMachine.processInput(ConnectionInput.SEND_ALTERNATIVE_SERVICE);
    const value = Buffer.from(toOctetString(fieldValue), 'latin1');
    if (options.origin !== undefined) {
      this.#output.send([new AltSvcFrame(0, Buffer.from(toOctetString(options.origin), 'latin1'), value)]);
    } else {
      this.#output.send(this.#streams.get(options.streamId ?? -1).advertiseAlternativeService(value));
    }
  }

  /**
   * PRIORITY (client only; RFC 9113 deprecates priorities but the frame is still valid). h2:
   * `prioritize`. Sends nothing to a peer that sent SETTINGS_NO_RFC7540_PRIORITIES=1 (RFC 9218
   * §2.1; nghttp2 does the same); use {@link sendPriorityUpdate} then.
   */
  prioritize(streamId: number, options: PrioritizeOptions = {}): void {
    checkOptionKeys('prioritize', options, PRIORITIZE_KEYS);
    if (!this.config.clientSide) throw new RFC1122Error('Servers SHOULD NOT prioritize streams.');
    this.#stateMachine.processInput(ConnectionInput.SEND_PRIORITY);
    const p = priorityFields(streamId, options.weight, options.dependsOn, options.exclusive);
    if (this.remoteSettings.noRfc7540Priorities === 1) return;
    this.#output.send([new PriorityFrame(streamId, p.dependsOn, p.weight, p.exclusive)]);
  }

  /**
   * Extension (not in h2): PRIORITY_UPDATE (RFC 9218 §7.1, client only), a new `priority`
   * field value (e.g. `u=0, i`; see `serializePriority`) for a request stream, open or not
   * yet opened, or for a pushed stream.
   * @throws UsageError (`ERR_H2_WRONG_SIDE`) on a server; InvalidArgumentError for a bad stream
   *   id or field value; ProtocolError on a closed connection.
   */
  sendPriorityUpdate(streamId: number, fieldValue: string | Uint8Array): void {
    const frame = priorityUpdateFrame(this.config.clientSide, streamId, fieldValue);
    this.#stateMachine.processInput(ConnectionInput.SEND_PRIORITY_UPDATE);
    this.#output.send([frame]);
  }

  /**
   * Extension (not in h2): ORIGIN (RFC 8336, server only), the origins this connection is
   * authoritative for, as ASCII serializations (`https://example.com`). Usually sent right
   * after the connection starts.
   * @throws UsageError (`ERR_H2_WRONG_SIDE`) on a client; InvalidArgumentError
   *   (`ERR_H2_INVALID_ORIGIN`, `ERR_H2_ORIGIN_LENGTH`) for origins that are not ASCII strings
   *   or do not fit one frame; ProtocolError on a closed connection.
   */
  sendOrigin(origins: Iterable<string>): void {
    const frame = originFrame(this.config.clientSide, origins);
    this.#stateMachine.processInput(ConnectionInput.SEND_ORIGIN);
    this.#output.send([frame]);
  }

  /** Removes and returns queued output (all, or the first `amount` octets). h2: `data_to_send`. */
  dataToSend(amount?: number): Buffer {
    return this.#output.take(amount);
  }

  /** True once the peer's first SETTINGS arrived (after its preface); for preface timeouts. Extension (not in h2). */
  get remoteSettingsReceived(): boolean {
    return this.#receiver.remoteSettingsReceived;
  }

  /** Our SETTINGS frames the peer has not acknowledged yet; for SETTINGS-ACK timeouts. Extension (not in h2). */
  get outstandingSettings(): number {
    return this.#receiver.outstandingSettings;
  }

  /** True while a HEADERS/PUSH_PROMISE block waits for its CONTINUATIONs (it blocks the connection). Extension (not in h2). */
  get inHeaderBlock(): boolean {
    return this.#reader.inFieldBlock;
  }

  /** Lets go of the output slab when nothing is queued (the next frame starts a small one). */
  releaseOutput(): void {
    this.#output.release();
  }

  /**
   * Frees idle memory (our addition: adapters call it when a connection goes quiet): the
   * output slab, the reader's buffer for joined header blocks, and closed streams, which h2
   * keeps until it next counts open streams.
   */
  releaseBuffers(): void {
    this.#output.release();
    this.#reader.release();
    this.#streams.compact();
  }

  /** Octets queued for {@link dataToSend} (our addition, for adapters that bound their output). */
  get outboundDataLength(): number {
    return this.#output.length;
  }

  /**
   * The same bytes as {@link dataToSend}, as a list of Buffers that are not joined (our
   * addition: the stream adapter pushes each, so no octet is copied a second time).
   */
  dataToSendChunks(): Buffer[] {
    return this.#output.takeChunks();
  }

  /** h2 `clear_outbound_data_buffer`: drops everything queued for the peer. */
  clearOutboundDataBuffer(): void {
    this.#output.clear();
  }

  // ------------------------------------------------------------- receiving

  /**
   * Processes received bytes; returns the events they produced. With `maxFrames`, stops after
   * that many frames and keeps the rest of the input for the next call ({@link inputPending}).
   * @throws ProtocolError (or a subclass) for a connection error, after queuing the GOAWAY
   *   h2 would queue (none for a bad client preface). All later input is ignored.
   * h2: `receive_data`.
   */
  receiveData(data: Uint8Array, maxFrames = Infinity): Event[] {
    this.#log?.trace('Process received data on connection. Received data:', data);
    this.#output.inputPending = false;
    if (this.#dead) return [];
    const events: Event[] = [];
    this.#reader.maxFrameSize = this.maxInboundFrameSize;
    this.#reader.feed(data);
    this.#octetsFed += data.length;
    this.#receiver.startReceiveCall();
    this.#output.receiving = true;
    try {
      for (let handled = 0; ; handled++) {
        if (handled >= Math.max(1, maxFrames)) {
          // Left in the reader for the next call; the answers queued so far still count
          // against maxOutboundControlFrames until the rest is processed (output.ts).
          this.#output.inputPending = this.#reader.bufferedLength > 0;
          return events;
        }
        let frame: Frame | null;
        try {
          frame = this.#reader.next();
        } catch (err) {
          // The frame layer's stream errors are PRIORITY of the wrong length and WINDOW_UPDATE
          // of 0 on a stream: MadeYouReset primitives, escalated unless configured otherwise.
          if (err instanceof ProtocolError && err.scope === 'stream' && err.streamId !== null && !this.config.escalateStreamErrors) {
            try {
              events.push(...this.#receiver.streamError(err.streamId, err.errorCode));
            } catch (budgetErr) {
              this.#connectionError(budgetErr);
            }
            continue;
          }
          this.#connectionError(err, this.#failedInPreface());
        }
        if (frame === null) return events;
        this.framesReceived += 1;
        try {
          events.push(...this.#receiver.receiveFrame(frame));
        } catch (err) {
          this.#connectionError(err);
        }
      }
    } finally {
      this.#output.receiving = false;
    }
  }

  /**
   * The last {@link receiveData} stopped at its `maxFrames` with input left over: call it
   * again (with no new octets, or more) to go on. Our addition: an adapter bounds the work of
   * one call so that a read full of small costly frames does not hold its event loop.
   */
  get inputPending(): boolean {
    return this.#output.inputPending;
  }

  /**
   * The reader failed within the first 24 octets of a server's input: the client preface was
   * wrong, so the peer is not speaking HTTP/2 and gets no GOAWAY (RFC 9113 §3.4). The reader
   * checks the preface before anything else, and any other error needs a 9-octet frame header
   * after it.
   */
  #failedInPreface(): boolean {
    return !this.config.clientSide && this.#octetsFed - this.#reader.bufferedLength <= CLIENT_PREFACE.length;
  }

  /**
   * The one place a connection error becomes GOAWAY (RFC 9113 §5.4.1): queue it (unless
   * `silent`: the peer is not speaking HTTP/2), ignore all later input, rethrow.
   */
  #connectionError(err: unknown, silent = false): never {
    this.#dead = true;
    if (err instanceof ProtocolError && !silent) {
      this.#stateMachine.fail();
      this.#output.send([new GoAwayFrame(this.#streams.highestInboundStreamId, err.errorCode, goAwayDebugData(err))]);
    }
    throw err;
  }

  // --------------------------------------------------------------- helpers

  /** After a GOAWAY either way no new stream may start (RFC 9113 §6.8). Not a connection error. */
  #refuseNewOutboundStream(): void {
    if (this.#stateMachine.draining) {
      throw new ProtocolError('Cannot open a new stream: the connection is going away (a GOAWAY was sent or received); open it on a new connection', { code: UsageCodes.GOAWAY });
    }
  }
}

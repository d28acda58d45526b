/**
 * FrameReceiver: the receive half of H2Connection (h2 `connection.py` `_receive_frame` and its
 * `_receive_*_frame` handlers). One handler per frame type, dispatched from one switch; each
 * returns the frames to queue and the events to report.
 *
 * Owns:
 *  - the one place a stream error becomes RST_STREAM ({@link FrameReceiver.streamError} and
 *    the private `#resetStream`): a stream-scoped error thrown while a frame is handled, a
 *    frame on a stream we reset, a PUSH_PROMISE we refuse, a new stream we refuse (RFC 9113
 *    §5.4.2, §5.1, §8.7); each counts against its budget and closes the stream through the
 *    stream-state table;
 *  - admitting the peer's new streams (MAX_CONCURRENT_STREAMS, `refuseNewStreams`, after our
 *    GOAWAY; the 431 answer to a request whose header list is over our limits);
 *  - SETTINGS synchronization (RFC 9113 §6.5.3): the peer's values applied at once, ours when
 *    acknowledged, and what we still await (SETTINGS and PING ACKs);
 *  - Rapid Reset's per-call count: requests the peer opened and reset within one
 *    `receiveData()` call (`maxPendingResetStreams`).
 *
 * Does not: parse bytes (FrameReader), or turn a connection error into GOAWAY — every such error
 * it throws is answered by `H2Connection.receiveData`.
 */
import { ErrorCodes } from '../error-codes.js';
import { DenialOfServiceError, NoSuchStreamError, ProtocolError, StreamClosedError, StreamIDTooLowError } from '../errors.js';
import {
  AltSvcFrame,
  DataFrame,
  type Frame,
  frameTypeName,
  GoAwayFrame,
  HeadersFrame,
  OriginFrame,
  PingFrame,
  PriorityFrame,
  PriorityUpdateFrame,
  PushPromiseFrame,
  RstStreamFrame,
  SettingsFrame,
  type UnknownFrame,
  WindowUpdateFrame,
} from '../frame/index.js';
import type { DecodedBlock } from '../hpack/index.js';
import { ExtensionReceiver } from './extension-receiver.js';
import type { PeerBudgets } from './budgets.js';
import type { H2Configuration, H2Logger } from './config.js';
import { ConnectionInput, type ConnectionStateMachine } from './connection-state.js';
import {
  AlternativeServiceAvailable,
  ConnectionTerminated,
  type Event,
  PingAckReceived,
  PingReceived,
  PriorityUpdated,
  RemoteSettingsChanged,
  RequestReceived,
  SettingsAcknowledged,
  StreamReset,
  UnknownFrameReceived,
  WindowUpdated,
} from './events.js';
import type { HeaderBlocks } from './header-blocks.js';
import type { HeaderInput } from './headers/normalize.js';
import type { OutputBuffer, Serializable } from './output.js';
import { ChangedSetting, SettingCodes, type Settings } from './settings.js';
import { CLOSED_ERROR_EVENTS, type Stream } from './stream.js';
import type { StreamRegistry } from './stream-registry.js';
import { StreamClosedBy } from './stream-state.js';
import { guardIncrementWindow, type WindowManager } from './windows.js';

/**
 * What the receive half asks of its connection (H2Connection is one): the frame sizes and the
 * connection window it keeps, and two of its actions. An interface, so this module does not
 * import connection.ts (which imports it).
 */
export interface ReceiverConnection {
  maxInboundFrameSize: number;
  maxOutboundFrameSize: number;
  outboundFlowControlWindow: number;
  readonly refuseNewStreams: boolean;
  sendHeaders(streamId: number, headers: Iterable<HeaderInput>, options?: { endStream?: boolean }): void;
  resetStream(streamId: number, errorCode?: number): void;
}

/** The parts of a connection its receive half works on (H2Connection owns them). */
export interface ReceiverParts {
  readonly config: H2Configuration;
  readonly log: H2Logger | null;
  readonly stateMachine: ConnectionStateMachine;
  readonly streams: StreamRegistry;
  readonly output: OutputBuffer;
  readonly budgets: PeerBudgets;
  readonly headerBlocks: HeaderBlocks;
  /** The connection's inbound window. */
  readonly inbound: WindowManager;
  readonly localSettings: Settings;
  readonly remoteSettings: Settings;
}

/** What a frame handler produced: frames to queue (after it returns) and events to report. */
interface Handled {
  frames: readonly Serializable[];
  events: Event[];
}

/** The frames of a handler that queues none (most do): one shared, frozen list instead of one per frame received. */
const NO_FRAMES: readonly Serializable[] = Object.freeze([]);

// What a SETTINGS change does to each stream (module functions with the value as context: no
// closure per frame; the stream map is walked in no particular order, none is needed).
function shiftInboundWindow(delta: number, stream: Stream): void {
  stream.inboundFlowControlChangeFromSettings(delta);
}
function shiftOutboundWindow(delta: number, stream: Stream): void {
  // RFC 9113 §6.9.2: applies to every stream's outbound window, and may make one negative.
  stream.outboundWindow = guardIncrementWindow(stream.outboundWindow, delta);
}
function setMaxOutboundFrameSize(size: number, stream: Stream): void {
  stream.maxOutboundFrameSize = size;
}

/** The block has a `:protocol` field (RFC 8441), checked by index: this runs for every request. */
function hasProtocolField(headers: ReadonlyArray<readonly [string, string]>): boolean {
  for (let i = 0; i < headers.length; i++) if ((headers[i] as readonly [string, string])[0] === ':protocol') return true;
  return false;
}

/** Why the connection resets a stream by itself: decides the budget and what happens to the stream's state. */
const enum ResetCause {
  /** The peer broke a stream-level rule, or sent a frame on a stream we reset: a glitch and a local reset; the stream closes. */
  STREAM_ERROR,
  /** A new peer stream over our limits: counts against `maxRefusedStreams`; its id is used up (the stream is begun and closed). */
  REFUSED_STREAM,
  /** A PUSH_PROMISE we refuse: a glitch and a local reset; the promised stream is never created (h2). */
  REFUSED_PUSH,
}

/** The answer to a request whose header list is over our limits (RFC 6585 §5). */
const HEADER_LIST_TOO_LARGE: HeaderInput[] = [[':status', '431']];
/**
 * Octets of a refused request's header block that count one glitch. At the default burst
 * (1000 glitches) a connection gets about 1 MiB of refused blocks decoded before GOAWAY, and
 * a refill of 33 KiB a second: a client that met one 431 and retried a few times is far from
 * it. At one glitch per 16 KiB, a flood of 128 KiB blocks ran ~160 requests (20 MiB read and
 * decoded) before GOAWAY, and a fresh server's RSS grew 16 MB; at one per KiB, 4 MB.
 */
const OVERSIZED_BLOCK_GLITCH_OCTETS = 1024;

export class FrameReceiver {
  /** Our PINGs awaiting their ACK. */
  outstandingPings = 0;
  /** Our SETTINGS frames awaiting their ACK. */
  outstandingSettings = 0;
  /** True once the peer's first SETTINGS arrived. */
  remoteSettingsReceived = false;

  readonly #conn: ReceiverConnection;
  readonly #config: H2Configuration;
  readonly #log: H2Logger | null;
  readonly #stateMachine: ConnectionStateMachine;
  readonly #streams: StreamRegistry;
  readonly #output: OutputBuffer;
  readonly #budgets: PeerBudgets;
  readonly #headerBlocks: HeaderBlocks;
  readonly #inbound: WindowManager;
  readonly #localSettings: Settings;
  readonly #remoteSettings: Settings;
  /** Numbers the `receiveData()` calls, for {@link Stream.requestReceivedInCall}. */
  #receiveCall = 0;
  /** The peer's first SETTINGS (or its h2c HTTP2-Settings) were applied. */
  #settingsApplied = false;
  /** Set while a DATA or HEADERS frame arrives on a stream whose peer already sent END_STREAM. */
  #onEndedStream = false;
  /** ORIGIN and PRIORITY_UPDATE; made by the first such frame (most connections never see one). */
  #extensions: ExtensionReceiver | null = null;

  constructor(conn: ReceiverConnection, parts: ReceiverParts) {
    this.#conn = conn;
    this.#config = parts.config;
    this.#log = parts.log;
    this.#stateMachine = parts.stateMachine;
    this.#streams = parts.streams;
    this.#output = parts.output;
    this.#budgets = parts.budgets;
    this.#headerBlocks = parts.headerBlocks;
    this.#inbound = parts.inbound;
    this.#localSettings = parts.localSettings;
    this.#remoteSettings = parts.remoteSettings;
  }

  /** A new `receiveData()` call begins: the requests of earlier calls have reached the application. */
  startReceiveCall(): void {
    this.#receiveCall += 1;
    this.#budgets.newReceiveCall();
  }

  /**
   * Handles one frame; stream-scoped errors become RST_STREAM here (h2 `_receive_frame`).
   * @throws ProtocolError (or a subclass) for a connection error.
   */
  receiveFrame(frame: Frame): Event[] {
    this.#log?.debug('Received frame:', frame);
    if (!this.remoteSettingsReceived && this.#config.strictPreface && !(frame instanceof SettingsFrame && !frame.ack)) {
      // RFC 9113 §3.4: the preface is followed by SETTINGS; anything else is an invalid preface.
      throw new ProtocolError(`The peer's first frame is ${frameTypeName(frame.type)}, not SETTINGS (invalid connection preface)`);
    }
    this.#onEndedStream = this.#config.escalateStreamErrors && (frame.type === DataFrame.TYPE || frame.type === HeadersFrame.TYPE) && this.#streams.peerEnded(frame.streamId);
    try {
      const result = this.#handle(frame);
      if (result === null) {
        this.#budgets.glitch();
        return [new UnknownFrameReceived(frame as UnknownFrame)];
      }
      this.#output.send(result.frames);
      return result.events;
    } catch (err) {
      if (err instanceof StreamClosedError) {
        // A late frame on a stream we reset is a race, answered with RST_STREAM; after the
        // peer's own END_STREAM it is a MadeYouReset primitive (escalated: GOAWAY).
        if (this.#streams.closedByReset(err.streamId) && !this.#onEndedStream) {
          this.#resetStream(err.streamId, err.errorCode, ResetCause.STREAM_ERROR);
          return CLOSED_ERROR_EVENTS.get(err) ?? [];
        }
        throw err;
      }
      if (err instanceof StreamIDTooLowError) {
        // h2: a stream we reset is a stream error; one closed by END_STREAM, or implicitly by a
        // higher id, is a connection error.
        if (this.#streams.closedByReset(err.streamId)) {
          this.#resetStream(err.streamId, ErrorCodes.STREAM_CLOSED, ResetCause.STREAM_ERROR);
          return [];
        }
        if (this.#streams.closedByEnd(err.streamId)) throw new StreamClosedError(err.streamId);
        throw err;
      }
      if (err instanceof ProtocolError && err.scope === 'stream' && err.streamId !== null) {
        return this.streamError(err.streamId, err.errorCode);
      }
      throw err;
    }
  }

  /**
   * RFC 9113 §5.4.2: a stream error (a malformed message, a stream-level rule broken, or the
   * frame layer's PRIORITY/WINDOW_UPDATE stream errors): RST_STREAM, reported as StreamReset.
   * @throws DenialOfServiceError when the reset is over a budget.
   */
  streamError(streamId: number, errorCode: number): Event[] {
    this.#resetStream(streamId, errorCode, ResetCause.STREAM_ERROR);
    return [new StreamReset(streamId, errorCode, false)];
  }

  /**
   * The one place the connection resets a stream by itself: counts it against the budget of
   * its cause, closes the stream through the state table (SEND_RST_STREAM_ON_ERROR), and
   * queues the RST_STREAM.
   */
  #resetStream(streamId: number, errorCode: number, cause: ResetCause): void {
    if (cause === ResetCause.REFUSED_STREAM) {
      this.#budgets.refusedStream();
      // The id is used up: later frames on it meet a stream we reset.
      this.#streams.begin(streamId, this.#streams.inboundParity, this.#conn.maxOutboundFrameSize).resetOnError();
    } else {
      this.#budgets.glitch();
      this.#budgets.localReset();
      if (cause === ResetCause.STREAM_ERROR) this.#streams.find(streamId)?.resetOnError();
    }
    this.#output.send([new RstStreamFrame(streamId, errorCode)]);
  }

  /**
   * One handler per frame type (h2 `_frame_dispatch_table`); null for an unknown type. A
   * switch rather than a table of closures: a table would be built for every connection.
   */
  #handle(frame: Frame): Handled | null {
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
      case OriginFrame.TYPE:
        return this.#extensionReceiver().receiveOrigin(frame as OriginFrame);
      case PriorityUpdateFrame.TYPE:
        return this.#extensionReceiver().receivePriorityUpdate(frame as PriorityUpdateFrame);
      default:
        return null;
    }
  }

  #receiveDataFrame(frame: DataFrame): Handled {
    this.#stateMachine.processInput(ConnectionInput.RECV_DATA);
    const length = frame.flowControlledLength;
    // CVE-2019-9518: empty DATA without END_STREAM costs work and carries nothing.
    if (length === 0 && !frame.endStream) this.#budgets.glitch();
    this.#inbound.windowConsumed(length);
    const data = Buffer.isBuffer(frame.data) ? frame.data : Buffer.from(frame.data);
    try {
      return { frames: NO_FRAMES, events: this.#streams.get(frame.streamId).receiveData(data, frame.endStream, length) };
    } catch (err) {
      if (err instanceof StreamClosedError || (err instanceof ProtocolError && err.scope === 'stream')) {
        // The data will never reach the application: hand its connection window back now (h2).
        const increment = this.#inbound.processBytes(length);
        if (increment > 0) this.#output.send([new WindowUpdateFrame(0, increment)]);
        if (err instanceof StreamClosedError) {
          if (this.#onEndedStream) throw err;
          this.#resetStream(err.streamId, err.errorCode, ResetCause.STREAM_ERROR);
          return { frames: NO_FRAMES, events: CLOSED_ERROR_EVENTS.get(err) ?? [] };
        }
      }
      throw err;
    }
  }

  #receiveHeadersFrame(frame: HeadersFrame): Handled {
    let overLimit = false;
    if (!this.#streams.has(frame.streamId) && frame.streamId > this.#streams.highestInboundStreamId) {
      const max = this.#localSettings.maxConcurrentStreams;
      overLimit = this.#conn.refuseNewStreams || this.#streams.countOpenNear(this.#streams.inboundParity, max) + 1 > max;
    }
    // Decoded before anything else so the compression context stays in sync whatever happens next.
    const block = this.#headerBlocks.decode(frame.headerBlock);
    const oversized = this.#isOversizedRequest(frame.streamId, block);
    const headers = oversized ? [] : this.#headerBlocks.headerList(block);
    this.#stateMachine.processInput(ConnectionInput.RECV_HEADERS);
    // RFC 9113 §5.1.2: a stream over our MAX_CONCURRENT_STREAMS is a stream error; REFUSED_STREAM
    // tells the peer it may retry (h2 makes it a connection error: see README).
    if (overLimit) {
      this.#resetStream(frame.streamId, ErrorCodes.REFUSED_STREAM, ResetCause.REFUSED_STREAM);
      return { frames: NO_FRAMES, events: [] };
    }
    if (this.#refusedAfterGoAway(frame.streamId)) return { frames: NO_FRAMES, events: [] };
    const stream = this.#streams.getOrBegin(frame.streamId, this.#streams.inboundParity, this.#conn.maxOutboundFrameSize);
    this.#budgets.streamAdmitted();
    this.#extensions?.streamOpened(frame.streamId);
    if (oversized) return this.#answerOversizedRequest(stream, frame.endStream, frame.headerBlock.length);
    if (this.#config.validateInboundHeaders && !this.#config.clientSide && this.#localSettings.enableConnectProtocol !== 1 && hasProtocolField(headers)) {
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
    const events = stream.receiveHeaders(headers, frame.endStream, priority);
    if (events[0] instanceof RequestReceived) stream.requestReceivedInCall = this.#receiveCall;
    return { frames: NO_FRAMES, events };
  }

  /**
   * A new request over our SETTINGS_MAX_HEADER_LIST_SIZE or `maxHeaderListPairs` is refused
   * with 431, not by ending the connection: only that request is at fault. A client, trailers
   * and PUSH_PROMISE keep h2's answer, GOAWAY(ENHANCE_YOUR_CALM).
   */
  #isOversizedRequest(streamId: number, block: DecodedBlock<unknown>): boolean {
    if (!this.#headerBlocks.isOversized(block)) return false;
    return !this.#config.clientSide && streamId % 2 === 1 && streamId > this.#streams.highestInboundStreamId;
  }

  /**
   * RFC 6585 §5 / RFC 9113 §8.1: `:status 431` with END_STREAM; if the request body has not
   * ended, RST_STREAM(NO_ERROR) asks the client to stop sending it. The application never
   * sees the request. Counts a glitch per KiB of its header block (at least one).
   */
  #answerOversizedRequest(stream: Stream, endStream: boolean, blockLength: number): Handled {
    // Weighted by size, not one per block: decoding a 128 KiB block costs thousands of times a
    // cheap frame's work, and a burst of a thousand of them (128 MiB read and decoded in about
    // a second) is what the glitch budget let through before.
    this.#budgets.glitch(Math.max(1, Math.ceil(blockLength / OVERSIZED_BLOCK_GLITCH_OCTETS)));
    this.#log?.debug(`Request on stream ${stream.streamId} refused with 431: its header list is over our limits`);
    stream.receiveOversizedRequest(endStream);
    this.#conn.sendHeaders(stream.streamId, HEADER_LIST_TOO_LARGE, { endStream: true });
    if (!endStream) this.#conn.resetStream(stream.streamId, ErrorCodes.NO_ERROR);
    return { frames: NO_FRAMES, events: [] };
  }

  /**
   * After we sent a graceful GOAWAY, a new stream from the peer above its last-stream-id is
   * refused: its id is used up (so later frames on it meet a reset stream) and RST_STREAM
   * (REFUSED_STREAM) tells the peer it may retry elsewhere. True if refused.
   */
  #refusedAfterGoAway(streamId: number): boolean {
    if (!this.#stateMachine.refusesPeerStream(streamId) || this.#streams.has(streamId)) return false;
    this.#resetStream(streamId, ErrorCodes.REFUSED_STREAM, ResetCause.REFUSED_STREAM);
    return true;
  }

  #receivePriorityFrame(frame: PriorityFrame): Handled {
    this.#stateMachine.processInput(ConnectionInput.RECV_PRIORITY);
    // CVE-2019-9513: priorities are advisory (RFC 9113 §5.3); a flood of them is a glitch.
    this.#budgets.glitch();
    // RFC 9113 §5.3.1: self-dependency is a stream error (escalated: MadeYouReset).
    if (frame.dependsOn === frame.streamId) throw new ProtocolError(`Stream ${frame.streamId} may not depend on itself`, { streamId: frame.streamId, scope: this.#streamErrorScope() });
    return { frames: NO_FRAMES, events: [new PriorityUpdated(frame.streamId, frame.weight + 1, frame.dependsOn, frame.exclusive)] };
  }

  #receiveRstStreamFrame(frame: RstStreamFrame): Handled {
    this.#stateMachine.processInput(ConnectionInput.RECV_RST_STREAM);
    // CVE-2023-44487 (Rapid Reset): resets of streams the peer opened are rate limited.
    if (!this.#streams.isOutbound(frame.streamId)) this.#budgets.peerReset();
    const stream = this.#streams.find(frame.streamId);
    if (stream === undefined) {
      // RFC 9113 §6.4: RST_STREAM on an idle stream is a connection error (h2 ignores it).
      if (this.#streams.isIdle(frame.streamId)) throw new ProtocolError(`RST_STREAM on idle stream ${frame.streamId}`, { streamId: frame.streamId });
      return { frames: NO_FRAMES, events: [] };
    }
    const events = stream.streamReset(frame.errorCode);
    // Rapid Reset without waiting: a request opened and reset within this call never reached
    // the application (hyperium/h2's "pending accept" resets).
    if (events.length > 0 && stream.requestReceivedInCall === this.#receiveCall) this.#budgets.pendingReset();
    return { frames: NO_FRAMES, events };
  }

  #receiveSettingsFrame(frame: SettingsFrame): Handled {
    this.#stateMachine.processInput(ConnectionInput.RECV_SETTINGS);
    if (frame.ack) {
      if (this.outstandingSettings > 0) this.outstandingSettings -= 1;
      return { frames: NO_FRAMES, events: [new SettingsAcknowledged(this.#localSettingsAcked())] };
    }
    // CVE-2019-9515 variant: settings are applied one by one; cap the work per frame.
    if (frame.settings.length > this.#config.maxSettingsEntries) {
      throw new DenialOfServiceError(`too_many_settings: ${frame.settings.length} entries in one SETTINGS frame (maxSettingsEntries ${this.#config.maxSettingsEntries})`, {
        debugData: 'too_many_settings',
      });
    }
    this.remoteSettingsReceived = true;
    const changed = this.applyReceivedSettings(frame.settings);
    return { frames: [new SettingsFrame([], true)], events: [new RemoteSettingsChanged(changed)] };
  }

  /**
   * Validates the peer's settings, records them as current (we acknowledge at once) and
   * applies their effects. Returns what changed, with the values before this frame. Also the
   * h2c upgrade's HTTP2-Settings, applied as if received in a SETTINGS frame (RFC 9113 §3.2
   * of RFC 7540: so it counts as the first).
   */
  applyReceivedSettings(settings: ReadonlyArray<readonly [number, number]>): Map<number, ChangedSetting> {
    // Only the peer's first SETTINGS may set SETTINGS_NO_RFC7540_PRIORITIES.
    const first = !this.#settingsApplied;
    this.#settingsApplied = true;
    const received = new Map<number, number>();
    for (const [code, value] of settings) {
      this.#remoteSettings.validateReceivedSetting(code, value);
      // RFC 9218 §2.1: sent in the first SETTINGS; a receiver MAY treat a change as PROTOCOL_ERROR, and we do.
      if (!first && code === (SettingCodes.NO_RFC7540_PRIORITIES as number) && value !== this.#remoteSettings.noRfc7540Priorities) {
        throw new ProtocolError(`SETTINGS_NO_RFC7540_PRIORITIES changed from ${this.#remoteSettings.noRfc7540Priorities} to ${value} after the first SETTINGS (RFC 9218 §2.1)`);
      }
      // RFC 8441 §3: once enabled, extended CONNECT cannot be withdrawn.
      if (code === (SettingCodes.ENABLE_CONNECT_PROTOCOL as number) && value === 0 && this.#remoteSettings.enableConnectProtocol === 1) {
        throw new ProtocolError('SETTINGS_ENABLE_CONNECT_PROTOCOL changed from 1 to 0');
      }
      received.set(code, value); // duplicates: the last one wins
    }
    const changed = new Map<number, ChangedSetting>();
    for (const [code, value] of received) {
      changed.set(code, new ChangedSetting(code, this.#remoteSettings.get(code) ?? null, value));
      this.#remoteSettings.set(code, value);
    }
    this.#stateMachine.processInput(ConnectionInput.SEND_SETTINGS);
    this.#applyRemoteSettings(this.#remoteSettings.acknowledge());
    return changed;
  }

  /** Our SETTINGS were acknowledged: they apply to what the peer sends from now on. */
  #localSettingsAcked(): Map<number, ChangedSetting> {
    const changes = this.#localSettings.acknowledge();
    const window = changes.get(SettingCodes.INITIAL_WINDOW_SIZE);
    if (window !== undefined) {
      const delta = window.newValue - (window.originalValue ?? 65535);
      this.#streams.forEach(shiftInboundWindow, delta);
    }
    const listSize = changes.get(SettingCodes.MAX_HEADER_LIST_SIZE);
    if (listSize !== undefined) this.#headerBlocks.setMaxHeaderListSize(listSize.newValue);
    const frameSize = changes.get(SettingCodes.MAX_FRAME_SIZE);
    if (frameSize !== undefined) this.#conn.maxInboundFrameSize = frameSize.newValue;
    const tableSize = changes.get(SettingCodes.HEADER_TABLE_SIZE);
    if (tableSize !== undefined) this.#headerBlocks.setDecoderTableSize(tableSize.newValue);
    return changes;
  }

  /** The peer's settings apply to what we send from now on. */
  #applyRemoteSettings(changes: Map<number, ChangedSetting>): void {
    const window = changes.get(SettingCodes.INITIAL_WINDOW_SIZE);
    if (window !== undefined) {
      // RFC 9113 §6.9.2: applies to every stream's outbound window, and may make one negative.
      const delta = window.newValue - (window.originalValue ?? 65535);
      this.#streams.forEach(shiftOutboundWindow, delta);
    }
    const tableSize = changes.get(SettingCodes.HEADER_TABLE_SIZE);
    if (tableSize !== undefined) this.#headerBlocks.setEncoderTableSize(tableSize.newValue);
    const frameSize = changes.get(SettingCodes.MAX_FRAME_SIZE);
    if (frameSize !== undefined) {
      this.#conn.maxOutboundFrameSize = frameSize.newValue;
      this.#streams.forEach(setMaxOutboundFrameSize, frameSize.newValue);
    }
  }

  #receivePushPromiseFrame(frame: PushPromiseFrame): Handled {
    if (this.#localSettings.enablePush === 0) throw new ProtocolError('Received pushed stream');
    const headers = this.#headerBlocks.decodeHeaders(frame.headerBlock);
    this.#stateMachine.processInput(ConnectionInput.RECV_PUSH_PROMISE);
    let parent: Stream;
    try {
      parent = this.#streams.get(frame.streamId);
    } catch (err) {
      if (!(err instanceof NoSuchStreamError)) throw err;
      if (this.#streams.closedBy(frame.streamId) === StreamClosedBy.SEND_RST_STREAM) return this.#refusePush(frame.promisedStreamId);
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
    if (this.#refusedAfterGoAway(frame.promisedStreamId)) return { frames: NO_FRAMES, events: [] };
    const promised = this.#streams.begin(frame.promisedStreamId, 0, this.#conn.maxOutboundFrameSize);
    promised.remotelyPushed(headers.map(([name, value]) => ({ name, value })));
    return { frames: NO_FRAMES, events };
  }

  /**
   * A push on a stream we reset, or that is closed, is refused (h2). The promised id is not
   * used up, so a peer could repeat it forever: each counts as a glitch and a local reset.
   */
  #refusePush(promisedStreamId: number): Handled {
    this.#resetStream(promisedStreamId, ErrorCodes.REFUSED_STREAM, ResetCause.REFUSED_PUSH);
    return { frames: NO_FRAMES, events: [] };
  }

  #receivePingFrame(frame: PingFrame): Handled {
    this.#stateMachine.processInput(ConnectionInput.RECV_PING);
    const data = Buffer.from(frame.opaqueData);
    if (frame.ack) {
      if (this.outstandingPings > 0) this.outstandingPings -= 1;
      return { frames: NO_FRAMES, events: [new PingAckReceived(data)] };
    }
    return { frames: [new PingFrame(data, true)], events: [new PingReceived(data)] };
  }

  /**
   * GOAWAY. With an error code the connection is over (h2: the outbound buffer is cleared).
   * With NO_ERROR it drains: our streams above `lastStreamId` were never processed, so they
   * close now, reported as StreamReset(REFUSED_STREAM) (safe to retry); the rest may finish.
   */
  #receiveGoAwayFrame(frame: GoAwayFrame): Handled {
    const graceful = frame.errorCode === 0; // NO_ERROR
    this.#stateMachine.goAway(ConnectionInput.RECV_GOAWAY, graceful);
    if (!graceful) this.#output.clear();
    const data = frame.additionalData.length > 0 ? Buffer.from(frame.additionalData) : null;
    const events: Event[] = [new ConnectionTerminated(frame.errorCode, frame.lastStreamId, data)];
    if (graceful) {
      for (const stream of this.#streams.values()) {
        if (stream.streamId > frame.lastStreamId && this.#streams.isOutbound(stream.streamId)) events.push(...stream.refusedByGoAway());
      }
    }
    return { frames: NO_FRAMES, events };
  }

  #receiveWindowUpdateFrame(frame: WindowUpdateFrame): Handled {
    this.#stateMachine.processInput(ConnectionInput.RECV_WINDOW_UPDATE);
    if (frame.streamId === 0) {
      this.#conn.outboundFlowControlWindow = guardIncrementWindow(this.#conn.outboundFlowControlWindow, frame.windowIncrement);
      return { frames: NO_FRAMES, events: [new WindowUpdated(0, frame.windowIncrement)] };
    }
    let stream: Stream;
    try {
      stream = this.#streams.get(frame.streamId);
    } catch (err) {
      if (err instanceof StreamClosedError) {
        this.#budgets.glitch();
        return { frames: NO_FRAMES, events: [] };
      }
      throw err;
    }
    // An overflow is a stream error (RFC 9113 §6.9.1) that receiveFrame answers with
    // RST_STREAM(FLOW_CONTROL_ERROR), whatever escalateStreamErrors says (as nghttpd does);
    // maxLocalErrorResets bounds how often a peer can make us do it.
    return stream.receiveWindowUpdate(frame.windowIncrement);
  }

  #receiveAltSvcFrame(frame: AltSvcFrame): Handled {
    this.#stateMachine.processInput(ConnectionInput.RECV_ALTERNATIVE_SERVICE);
    if (frame.streamId !== 0) {
      const stream = this.#streams.find(frame.streamId);
      return { frames: NO_FRAMES, events: stream === undefined ? [] : stream.receiveAltSvc(frame) };
    }
    // RFC 7838 §4: on stream 0 an empty origin is ignored, and servers ignore ALTSVC.
    if (frame.origin.length === 0 || !this.#config.clientSide) return { frames: NO_FRAMES, events: [] };
    return { frames: NO_FRAMES, events: [new AlternativeServiceAvailable(Buffer.from(frame.origin), Buffer.from(frame.fieldValue))] };
  }

  #extensionReceiver(): ExtensionReceiver {
    return (this.#extensions ??= new ExtensionReceiver({ config: this.#config, stateMachine: this.#stateMachine, streams: this.#streams, budgets: this.#budgets, localSettings: this.#localSettings }));
  }

  /** Where an escalatable stream error goes: the connection (default) or the stream (h2). */
  #streamErrorScope(): 'stream' | 'connection' {
    return this.#config.escalateStreamErrors ? 'connection' : 'stream';
  }
}

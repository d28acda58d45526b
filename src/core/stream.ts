/**
 * One stream inside the connection (h2 `stream.py` `H2Stream`): runs the state machine,
 * builds the frames an action needs and the events a received frame produces, tracks the
 * stream's windows and `content-length`. It never writes: methods return frames and events,
 * and only `H2Connection` serializes (h2's `H2Stream` returns frames and events the same way).
 */
import { ErrorCodes } from '../error-codes.js';
import { InvalidBodyLengthError, ProtocolError, StreamClosedError } from '../errors.js';
import { ContinuationFrame, DataFrame, HeadersFrame, type PriorityFields, PushPromiseFrame, RstStreamFrame, WindowUpdateFrame, AltSvcFrame } from '../frame/index.js';
import type { HpackEncoder } from '../hpack/index.js';
import type { H2Configuration } from './config.js';
import {
  AlternativeServiceAvailable,
  DataReceived,
  type Event,
  InformationalResponseReceived,
  type PriorityUpdated,
  PushedStreamReceived,
  RequestReceived,
  ResponseReceived,
  StreamEnded,
  StreamReset,
  TrailersReceived,
  WindowUpdated,
} from './events.js';
import {
  authorityFromHeaders,
  encodeEventHeaders,
  isInformationalResponse,
  methodFromHeaders,
  normalizeInboundHeaders,
  normalizeOutboundHeaders,
  type OutboundField,
} from './headers/normalize.js';
import { FIELDS, PAIRS } from './headers/field-reader.js';
import { type HeaderValidationFlags, validateInboundHeaders, validateOutboundHeaders } from './headers/validate.js';
import { Outcome, StreamInput, StreamMachine, StreamState } from './stream-state.js';
import { guardIncrementWindow, WindowManager } from './windows.js';

/** Frames an action produced, for the connection to queue. */
export type OutboundFrame = DataFrame | HeadersFrame | ContinuationFrame | PushPromiseFrame | RstStreamFrame | WindowUpdateFrame | AltSvcFrame;

/** Events carried by a StreamClosedError, emitted when the connection turns it into RST_STREAM. */
export const CLOSED_ERROR_EVENTS = new WeakMap<StreamClosedError, Event[]>();

const DIGITS = /^[0-9]+$/;

export class Stream {
  readonly machine: StreamMachine;
  /** What the peer may still send on this stream. */
  readonly inbound: WindowManager;
  /** What we may still send on this stream. Signed: a SETTINGS change can make it negative (RFC 9113 §6.9.2). */
  outboundWindow: number;
  maxOutboundFrameSize: number;
  /** The request's :authority, for ALTSVC frames on this stream. */
  #authority: string | null = null;
  /** The request's :method as we sent it (a HEAD response has no body). */
  #requestMethod: string | null = null;
  #expectedContentLength: number | null = null;
  #actualContentLength = 0;
  /**
   * The `receiveData()` call (numbered by the connection) whose events carried this stream's
   * RequestReceived, or -1: a reset from the peer within that same call hit a request the
   * application never saw (`maxPendingResetStreams`).
   */
  requestReceivedInCall = -1;

  constructor(
    readonly streamId: number,
    readonly config: H2Configuration,
    inboundWindowSize: number,
    outboundWindowSize: number,
    maxOutboundFrameSize: number,
  ) {
    this.machine = new StreamMachine(streamId);
    this.inbound = new WindowManager(inboundWindowSize);
    this.outboundWindow = outboundWindowSize;
    this.maxOutboundFrameSize = maxOutboundFrameSize;
  }

  get state(): StreamState {
    return this.machine.state;
  }

  /** OPEN or half-closed: counts against MAX_CONCURRENT_STREAMS (reserved streams do not). */
  get open(): boolean {
    const s = this.machine.state;
    return s === StreamState.OPEN || s === StreamState.HALF_CLOSED_LOCAL || s === StreamState.HALF_CLOSED_REMOTE;
  }

  get closed(): boolean {
    return this.machine.state === StreamState.CLOSED;
  }

  // ---------------------------------------------------------------- sending

  /** HEADERS (+ CONTINUATION) for a request, response, 1xx or trailers. */
  sendHeaders(fields: OutboundField[], encoder: HpackEncoder, endStream: boolean, priority: PriorityFields | null = null): OutboundFrame[] {
    let input = StreamInput.SEND_HEADERS;
    if (this.machine.client !== true && isInformationalResponse(fields, FIELDS)) {
      if (endStream) throw new ProtocolError('Cannot set END_STREAM on informational responses.', { streamId: this.streamId });
      input = StreamInput.SEND_INFORMATIONAL_HEADERS;
    }
    // Encoding changes the compression context irreversibly, so the transition comes first (h2).
    const outcome = this.machine.processInput(input);
    if (outcome === Outcome.TRAILERS_SENT && !endStream) {
      throw new ProtocolError('Trailers must have END_STREAM set.', { streamId: this.streamId });
    }
    // Priority fields take 5 octets of the first frame, so its block fragment is 5 shorter.
    const overhead = priority === null ? 0 : 5;
    const frames = this.#buildHeaderFrames(fields, encoder, this.#flagsForSent(outcome), overhead, (block, endHeaders) => new HeadersFrame(this.streamId, block, endStream, endHeaders, null, priority));
    if (endStream) this.machine.processInput(StreamInput.SEND_END_STREAM);
    if (this.machine.client === true && this.#authority === null) this.#authority = authorityFromHeaders(fields);
    if (outcome === Outcome.REQUEST_SENT) this.#requestMethod = methodFromHeaders(fields);
    return frames;
  }

  /** PUSH_PROMISE (+ CONTINUATION) on this (parent) stream. */
  pushStreamInBand(promisedStreamId: number, fields: OutboundField[], encoder: HpackEncoder): OutboundFrame[] {
    const outcome = this.machine.processInput(StreamInput.SEND_PUSH_PROMISE);
    // The PUSH_PROMISE carries the 4-octet promised stream id before its field block.
    return this.#buildHeaderFrames(fields, encoder, this.#flagsForSent(outcome), 4, (block, endHeaders) => new PushPromiseFrame(this.streamId, promisedStreamId, block, endHeaders));
  }

  /** The promised stream, reserved by our PUSH_PROMISE. */
  locallyPushed(fields: ReadonlyArray<{ name: string; value: string }>): void {
    this.machine.processInput(StreamInput.SEND_PUSH_PROMISE);
    this.#authority = authorityFromHeaders(fields);
  }

  /** The promised stream, reserved by the peer's PUSH_PROMISE. */
  remotelyPushed(fields: ReadonlyArray<{ name: string; value: string }>): void {
    this.machine.processInput(StreamInput.RECV_PUSH_PROMISE);
    this.#authority = authorityFromHeaders(fields);
  }

  /**
   * DATA frames for `data`, split at the peer's MAX_FRAME_SIZE (h2 raises FrameTooLargeError
   * instead; see README). Padding goes on the last frame. The caller checked the windows.
   */
  sendData(data: Uint8Array, endStream: boolean, padLength: number | null): DataFrame[] {
    this.machine.processInput(StreamInput.SEND_DATA);
    if (endStream) this.machine.processInput(StreamInput.SEND_END_STREAM);
    const frames: DataFrame[] = [];
    const max = this.maxOutboundFrameSize;
    const lastRoom = padLength === null ? max : max - padLength - 1;
    let offset = 0;
    while (data.length - offset > lastRoom) {
      const n = Math.min(max, data.length - offset);
      frames.push(new DataFrame(this.streamId, data.subarray(offset, offset + n)));
      offset += n;
    }
    frames.push(new DataFrame(this.streamId, data.subarray(offset), endStream, padLength));
    for (const f of frames) this.outboundWindow -= f.flowControlledLength;
    return frames;
  }

  /** An empty DATA frame with END_STREAM. */
  endStream(): OutboundFrame[] {
    this.machine.processInput(StreamInput.SEND_END_STREAM);
    return [new DataFrame(this.streamId, Buffer.alloc(0), true)];
  }

  resetStream(errorCode: number): OutboundFrame[] {
    this.machine.processInput(StreamInput.SEND_RST_STREAM);
    return [new RstStreamFrame(this.streamId, errorCode)];
  }

  /** The connection resets (or refuses) this stream for the peer's error; it queues the RST_STREAM itself. */
  resetOnError(): void {
    this.machine.processInput(StreamInput.SEND_RST_STREAM_ON_ERROR);
  }

  /** WINDOW_UPDATE granting `increment` more inbound octets. */
  increaseFlowControlWindow(increment: number): OutboundFrame[] {
    this.machine.processInput(StreamInput.SEND_WINDOW_UPDATE);
    this.inbound.windowOpened(increment);
    return [new WindowUpdateFrame(this.streamId, increment)];
  }

  /** The application consumed `size` octets: a WINDOW_UPDATE when h2's rule says so (open streams only). */
  acknowledgeReceivedData(size: number): OutboundFrame[] {
    if (!this.open) return [];
    const increment = this.inbound.processBytes(size);
    return increment > 0 ? [new WindowUpdateFrame(this.streamId, increment)] : [];
  }

  advertiseAlternativeService(fieldValue: Uint8Array): OutboundFrame[] {
    this.machine.processInput(StreamInput.SEND_ALTERNATIVE_SERVICE);
    return [new AltSvcFrame(this.streamId, Buffer.alloc(0), fieldValue)];
  }

  // -------------------------------------------------------------- receiving

  /**
   * A request whose header list was over our limits (SETTINGS_MAX_HEADER_LIST_SIZE or
   * `maxHeaderListPairs`): the stream opens as for any request, but its fields were dropped,
   * so there is nothing to validate and no event; the connection answers 431.
   */
  receiveOversizedRequest(endStream: boolean): void {
    this.#processReceived(StreamInput.RECV_HEADERS);
    if (endStream) this.#processReceived(StreamInput.RECV_END_STREAM);
  }

  /**
   * A complete header block arrived. `headers` are decoded octet strings in wire order.
   * @throws ProtocolError (stream scope for malformed messages), StreamClosedError.
   */
  receiveHeaders(headers: Array<[string, string]>, endStream: boolean, priority: PriorityUpdated | null): Event[] {
    let input = StreamInput.RECV_HEADERS;
    if (isInformationalResponse(headers, PAIRS)) {
      if (endStream) throw new ProtocolError('Cannot set END_STREAM on informational responses', { streamId: this.streamId, scope: 'stream' });
      input = StreamInput.RECV_INFORMATIONAL_HEADERS;
    }
    const outcome = this.#processReceived(input);
    if (outcome === Outcome.TRAILERS_RECEIVED && !endStream) {
      throw new ProtocolError('Trailers must have END_STREAM set', { streamId: this.streamId, scope: 'stream' });
    }
    const processed = this.#processReceivedHeaders(headers, this.#flagsForReceived(outcome));
    if (outcome !== Outcome.INFORMATIONAL_RECEIVED && outcome !== Outcome.TRAILERS_RECEIVED) this.#initializeContentLength(headers);
    let ended: StreamEnded | null = null;
    if (endStream) {
      this.#processReceived(StreamInput.RECV_END_STREAM);
      ended = new StreamEnded(this.streamId);
    }
    let event: Event;
    switch (outcome) {
      case Outcome.REQUEST_RECEIVED:
        event = new RequestReceived(this.streamId, processed, ended, priority);
        break;
      case Outcome.RESPONSE_RECEIVED:
        event = new ResponseReceived(this.streamId, processed, ended, priority);
        break;
      case Outcome.TRAILERS_RECEIVED:
        event = new TrailersReceived(this.streamId, processed, ended, priority);
        break;
      default:
        event = new InformationalResponseReceived(this.streamId, processed, priority);
    }
    const events: Event[] = [event];
    if (ended !== null) events.push(ended);
    if (priority !== null) events.push(priority);
    return events;
  }

  /** PUSH_PROMISE on this (parent) stream. */
  receivePushPromiseInBand(promisedStreamId: number, headers: Array<[string, string]>): Event[] {
    const outcome = this.#processReceived(StreamInput.RECV_PUSH_PROMISE);
    const processed = this.#processReceivedHeaders(headers, this.#flagsForReceived(outcome));
    return [new PushedStreamReceived(promisedStreamId, this.streamId, processed)];
  }

  /** DATA on this stream. @throws FlowControlError past the window; InvalidBodyLengthError. */
  receiveData(data: Buffer, endStream: boolean, flowControlledLength: number): Event[] {
    this.#processReceived(StreamInput.RECV_DATA);
    this.inbound.windowConsumed(flowControlledLength);
    this.#trackContentLength(data.length, endStream);
    let ended: StreamEnded | null = null;
    if (endStream) {
      this.#processReceived(StreamInput.RECV_END_STREAM);
      ended = new StreamEnded(this.streamId);
    }
    const event = new DataReceived(this.streamId, data, flowControlledLength, ended);
    return ended === null ? [event] : [event, ended];
  }

  /**
   * WINDOW_UPDATE on this stream (ignored once it is closed).
   * @throws FlowControlError of stream scope when the window would pass 2^31-1 (RFC 9113
   *   §6.9.1: a stream error): the connection resets the stream with FLOW_CONTROL_ERROR and
   *   reports StreamReset, as h2 does.
   */
  receiveWindowUpdate(increment: number): { frames: OutboundFrame[]; events: Event[] } {
    const outcome = this.machine.processInput(StreamInput.RECV_WINDOW_UPDATE);
    if (outcome !== Outcome.WINDOW_UPDATED) return { frames: [], events: [] };
    this.outboundWindow = guardIncrementWindow(this.outboundWindow, increment, this.streamId);
    return { frames: [], events: [new WindowUpdated(this.streamId, increment)] };
  }

  /** RST_STREAM from the peer. */
  streamReset(errorCode: number): Event[] {
    const outcome = this.machine.processInput(StreamInput.RECV_RST_STREAM);
    return outcome === Outcome.STREAM_RESET ? [new StreamReset(this.streamId, errorCode, true)] : [];
  }

  /**
   * A graceful GOAWAY's last-stream-id is below this stream of ours: the peer never processed
   * it, so it closes as if reset with REFUSED_STREAM, which is safe to retry (RFC 9113 §6.8).
   * No event if it was already closed.
   */
  refusedByGoAway(): Event[] {
    const outcome = this.machine.processInput(StreamInput.RECV_GOAWAY_UNPROCESSED);
    return outcome === Outcome.STREAM_RESET ? [new StreamReset(this.streamId, ErrorCodes.REFUSED_STREAM, true)] : [];
  }

  /** ALTSVC on this stream (RFC 7838 §4: one with an origin is ignored). */
  receiveAltSvc(frame: AltSvcFrame): Event[] {
    if (frame.origin.length > 0) return [];
    const outcome = this.machine.processInput(StreamInput.RECV_ALTERNATIVE_SERVICE);
    if (outcome !== Outcome.ALT_SVC_RECEIVED) return [];
    const origin = this.#authority === null ? null : Buffer.from(this.#authority, 'latin1');
    return [new AlternativeServiceAvailable(origin, Buffer.from(frame.fieldValue), this.streamId)];
  }

  /** SETTINGS_INITIAL_WINDOW_SIZE of ours was acknowledged: shift the inbound window (h2). */
  inboundFlowControlChangeFromSettings(delta: number): void {
    const newMax = this.inbound.maxWindowSize + delta;
    this.inbound.windowOpened(delta);
    this.inbound.maxWindowSize = newMax;
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Runs an input for a received frame. h2's `reset_stream_on_error` rows throw a
   * StreamClosedError; the StreamReset event travels with it so the connection can emit it
   * together with the RST_STREAM(STREAM_CLOSED) it sends.
   */
  #processReceived(input: StreamInput): Outcome {
    const before = this.machine.state;
    try {
      return this.machine.processInput(input);
    } catch (err) {
      if (err instanceof StreamClosedError && before !== StreamState.CLOSED) {
        CLOSED_ERROR_EVENTS.set(err, [new StreamReset(this.streamId, ErrorCodes.STREAM_CLOSED, false)]);
      }
      throw err;
    }
  }

  #flagsForSent(outcome: Outcome): HeaderValidationFlags {
    return {
      isClient: this.machine.client === true,
      isTrailer: outcome === Outcome.TRAILERS_SENT,
      isResponseHeader: outcome === Outcome.RESPONSE_SENT || outcome === Outcome.INFORMATIONAL_SENT,
      isPushPromise: outcome === Outcome.PUSH_SENT,
    };
  }

  #flagsForReceived(outcome: Outcome): HeaderValidationFlags {
    return {
      isClient: this.machine.client === true,
      isTrailer: outcome === Outcome.TRAILERS_RECEIVED,
      isResponseHeader: outcome === Outcome.RESPONSE_RECEIVED || outcome === Outcome.INFORMATIONAL_RECEIVED,
      isPushPromise: outcome === Outcome.PUSH_RECEIVED,
    };
  }

  /**
   * Normalizes, validates and encodes an outbound block, split into frames of at most
   * MAX_FRAME_SIZE; `firstOverhead` is what the first frame carries before its block.
   */
  #buildHeaderFrames(
    input: OutboundField[],
    encoder: HpackEncoder,
    flags: HeaderValidationFlags,
    firstOverhead: number,
    first: (block: Uint8Array, endHeaders: boolean) => HeadersFrame | PushPromiseFrame,
  ): OutboundFrame[] {
    const fields = this.config.normalizeOutboundHeaders ? normalizeOutboundHeaders(input, this.config.splitOutboundCookies) : input;
    if (this.config.validateOutboundHeaders) {
      validateOutboundHeaders(fields, flags, this.streamId);
    }
    const block = encoder.encode(fields);
    const firstRoom = this.maxOutboundFrameSize - firstOverhead;
    if (block.length <= firstRoom) return [first(block, true)];
    const frames: OutboundFrame[] = [first(block.subarray(0, firstRoom), false)];
    for (let at = firstRoom; at < block.length; at += this.maxOutboundFrameSize) {
      const end = Math.min(at + this.maxOutboundFrameSize, block.length);
      frames.push(new ContinuationFrame(this.streamId, block.subarray(at, end), end === block.length));
    }
    return frames;
  }

  /** Inbound normalization and validation, then conversion to the configured header encoding. */
  #processReceivedHeaders(headers: Array<[string, string]>, flags: HeaderValidationFlags): ReturnType<typeof encodeEventHeaders> {
    const normalized = this.config.normalizeInboundHeaders ? normalizeInboundHeaders(headers) : headers;
    if (this.config.validateInboundHeaders) validateInboundHeaders(normalized, flags, this.streamId);
    return encodeEventHeaders(normalized, this.config.headerEncoding);
  }

  /** RFC 9113 §8.1.1: remember content-length to check the body against it. */
  #initializeContentLength(headers: Array<[string, string]>): void {
    if (this.#requestMethod === 'HEAD') {
      this.#expectedContentLength = 0;
      return;
    }
    for (const [name, value] of headers) {
      if (name !== 'content-length') continue;
      if (!DIGITS.test(value)) throw new ProtocolError(`Invalid content-length header: ${JSON.stringify(value)}`, { streamId: this.streamId, scope: 'stream' });
      const n = Number(value);
      if (this.#expectedContentLength !== null && this.#expectedContentLength !== n) {
        throw new ProtocolError('Conflicting content-length headers', { streamId: this.streamId, scope: 'stream' });
      }
      this.#expectedContentLength = n;
    }
  }

  #trackContentLength(length: number, endStream: boolean): void {
    this.#actualContentLength += length;
    const expected = this.#expectedContentLength;
    const actual = this.#actualContentLength;
    if (expected === null) return;
    if (expected < actual || (endStream && expected !== actual)) {
      throw new InvalidBodyLengthError(expected, actual, { streamId: this.streamId, scope: 'stream' });
    }
  }
}

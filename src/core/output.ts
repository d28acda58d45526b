/**
 * OutputBuffer: the bytes a connection has queued for the peer (h2 `_data_to_send`, filled by
 * `_prepare_for_sending`). Frames are serialized here and nowhere else (into the FrameWriter's
 * reused slab); the transport takes the bytes with {@link OutputBuffer.take} or
 * {@link OutputBuffer.takeChunks}.
 *
 * It also counts the answers the peer makes us queue while its input is processed — PING and
 * SETTINGS ACKs, RST_STREAM, WINDOW_UPDATE — until the transport takes them: a peer that asks
 * faster than our answers leave is flooding us (CVE-2019-9512/9514/9515,
 * `maxOutboundControlFrames`).
 *
 * Does not: decide what to send (the connection and the streams build the frames).
 */
import { DenialOfServiceError } from '../errors.js';
import { CLIENT_PREFACE, FrameWriter, PingFrame, RstStreamFrame, SettingsFrame, WindowUpdateFrame } from '../frame/index.js';

/** Anything that writes itself as frames: every frame class. */
export interface Serializable {
  serializeInto(w: FrameWriter): void;
}

/** Frames the core queues by itself in answer to the peer. */
function isControlFrame(frame: Serializable): boolean {
  return (
    frame instanceof RstStreamFrame ||
    frame instanceof WindowUpdateFrame ||
    (frame instanceof PingFrame && frame.ack) ||
    (frame instanceof SettingsFrame && frame.ack)
  );
}

export class OutputBuffer {
  /** Frames queued, one per frame object (CONTINUATION frames included). */
  framesSent = 0;
  /** True while the peer's input is processed: control frames queued then are the peer's doing. */
  receiving = false;
  /**
   * The connection stopped processing a read part-way (receiveData's `maxFrames`): taking the
   * output does not reset the count of control frames then, so that a read full of PINGs is
   * counted as a whole however many calls it takes.
   */
  inputPending = false;

  readonly #writer = new FrameWriter();
  /** Control frames queued while receiving and not yet taken. */
  #controlFrames = 0;

  constructor(readonly maxControlFrames: number) {}

  /** Octets queued and not yet taken. */
  get length(): number {
    return this.#writer.length;
  }

  /**
   * Serializes `frames` in order.
   * @throws DenialOfServiceError ("flood") when a control frame queued while receiving is one
   *   more than `maxControlFrames` not yet taken; the frames before it are queued.
   */
  send(frames: readonly Serializable[]): void {
    for (const f of frames) {
      if (this.receiving && isControlFrame(f) && ++this.#controlFrames > this.maxControlFrames) {
        throw new DenialOfServiceError(`flood: ${this.#controlFrames} control frames queued and not sent (maxOutboundControlFrames)`, { debugData: 'flood' });
      }
      f.serializeInto(this.#writer);
      this.framesSent += 1;
    }
  }

  /**
   * As {@link send}, but payloads of at least MIN_LENT_PAYLOAD octets are kept by reference
   * instead of copied (the caller must leave them unchanged until {@link takeChunks}).
   */
  sendLent(frames: readonly Serializable[]): void {
    this.#writer.lendPayloads = true;
    try {
      this.send(frames);
    } finally {
      this.#writer.lendPayloads = false;
    }
  }

  /** The 24-octet client connection preface (RFC 9113 §3.4). */
  sendClientPreface(): void {
    this.#writer.writeBytes(CLIENT_PREFACE);
  }

  /** Removes and returns the queued octets (all, or the first `amount`), joined. */
  take(amount?: number): Buffer {
    if (!this.inputPending) this.#controlFrames = 0;
    return this.#writer.take(amount);
  }

  /** Removes and returns the queued octets as chunks that are not joined (lent payloads stay their own chunks). */
  takeChunks(): Buffer[] {
    if (!this.inputPending) this.#controlFrames = 0;
    return this.#writer.takeChunks();
  }

  /** Drops everything queued. */
  clear(): void {
    this.#controlFrames = 0;
    this.#writer.clear();
  }

  /** Frees the idle output slab. */
  release(): void {
    this.#writer.release();
  }
}

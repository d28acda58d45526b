/**
 * The receive side of the two extension frames beyond h2 (FrameReceiver hands them here): ORIGIN
 * (RFC 8336 §2.1) and PRIORITY_UPDATE (RFC 9218 §7.1), with the idle streams a PRIORITY_UPDATE
 * prioritized. A connection makes it at the first such frame.
 */
import { ProtocolError } from '../errors.js';
import type { OriginFrame, PriorityUpdateFrame } from '../frame/index.js';
import type { PeerBudgets } from './budgets.js';
import type { H2Configuration } from './config.js';
import { ConnectionInput, type ConnectionStateMachine } from './connection-state.js';
import { type Event, OriginReceived, PriorityUpdateReceived } from './events.js';
import { parsePriorityField } from './extensible-priority.js';
import type { Settings } from './settings.js';
import type { StreamRegistry } from './stream-registry.js';
import { toOctetString } from './headers/normalize.js';

/** What a handler produced, as FrameReceiver's handlers return it: these frames queue no answer. */
interface Handled {
  frames: never[];
  events: Event[];
}

/** The parts of the connection the extension frames read (H2Connection owns them). */
export interface ExtensionParts {
  readonly config: H2Configuration;
  readonly stateMachine: ConnectionStateMachine;
  readonly streams: StreamRegistry;
  readonly budgets: PeerBudgets;
  readonly localSettings: Settings;
}

export class ExtensionReceiver {
  readonly #config: H2Configuration;
  readonly #stateMachine: ConnectionStateMachine;
  readonly #streams: StreamRegistry;
  readonly #budgets: PeerBudgets;
  readonly #localSettings: Settings;
  /** Server: idle streams a PRIORITY_UPDATE prioritized, until they open or a higher id passes them. */
  #idlePrioritized: Set<number> | null = null;

  constructor(parts: ExtensionParts) {
    this.#config = parts.config;
    this.#stateMachine = parts.stateMachine;
    this.#streams = parts.streams;
    this.#budgets = parts.budgets;
    this.#localSettings = parts.localSettings;
  }

  /**
   * ORIGIN (RFC 8336 §2.1): a client reports the origins; a server ignores the frame, and so
   * does a client on a stream other than 0 or when the entries are malformed. Ignored frames
   * are glitches (work that carries nothing).
   */
  receiveOrigin(frame: OriginFrame): Handled {
    if (this.#config.clientSide && frame.streamId === 0 && frame.wellFormed) {
      return { frames: [], events: [new OriginReceived([...frame.origins])] };
    }
    this.#budgets.glitch();
    return { frames: [], events: [] };
  }

  /**
   * PRIORITY_UPDATE (RFC 9218 §7.1), received by a server. Connection errors: a client
   * receiving one, stream 0 prioritized, a push stream never promised, and idle streams
   * prioritized beyond our SETTINGS_MAX_CONCURRENT_STREAMS (counted with the open ones).
   * Frames for closed streams are dropped. Each counts as a glitch, as PRIORITY frames do
   * (CVE-2019-9513: priority signals are advisory, a flood of them is work that carries nothing).
   */
  receivePriorityUpdate(frame: PriorityUpdateFrame): Handled {
    this.#stateMachine.processInput(ConnectionInput.RECV_PRIORITY_UPDATE);
    if (this.#config.clientSide) throw new ProtocolError('Received PRIORITY_UPDATE: only clients send it (RFC 9218 §7.1)');
    this.#budgets.glitch();
    const id = frame.prioritizedStreamId;
    if (id === 0) throw new ProtocolError('PRIORITY_UPDATE for stream 0 (RFC 9218 §7.1)');
    const streams = this.#streams;
    const stream = streams.find(id);
    if (stream === undefined) {
      if (!streams.isIdle(id)) return { frames: [], events: [] }; // closed: dropped
      if (streams.isOutbound(id)) throw new ProtocolError(`PRIORITY_UPDATE for push stream ${id}, which was never promised (RFC 9218 §7.1)`);
      this.#prioritizeIdle(id);
    } else if (stream.closed) {
      return { frames: [], events: [] };
    }
    const text = toOctetString(frame.fieldValue);
    const priority = parsePriorityField(text);
    return { frames: [], events: [new PriorityUpdateReceived(id, text, priority.urgency, priority.incremental)] };
  }

  /**
   * RFC 9218 §7.1: idle streams prioritized plus open streams may not exceed our
   * SETTINGS_MAX_CONCURRENT_STREAMS (a connection error), which also bounds what we remember.
   */
  #prioritizeIdle(streamId: number): void {
    const idle = (this.#idlePrioritized ??= new Set());
    if (idle.has(streamId)) return;
    const max = this.#localSettings.maxConcurrentStreams;
    if (idle.size + 1 + this.#streams.countOpen(this.#streams.inboundParity) > max) {
      throw new ProtocolError(`PRIORITY_UPDATE for idle stream ${streamId}: ${idle.size} idle streams already prioritized, over SETTINGS_MAX_CONCURRENT_STREAMS ${max} with the open ones (RFC 9218 §7.1)`);
    }
    idle.add(streamId);
  }

  /** Stream `streamId` opened: it and every lower id are no longer idle. */
  streamOpened(streamId: number): void {
    const idle = this.#idlePrioritized;
    if (idle === null) return;
    for (const id of idle) if (id <= streamId) idle.delete(id);
    if (idle.size === 0) this.#idlePrioritized = null;
  }
}

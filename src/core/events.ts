/**
 * Every event the core returns from `receiveData` (h2 `events.py`), built complete: related
 * events are created first and linked at construction (`RequestReceived.streamEnded`).
 *
 * Each class names itself in `eventName`, a getter on its prototype (so events carry no extra
 * field) that returns a string literal equal to the class name: unlike `constructor.name` it
 * survives minification, and it is the key of {@link CoreEventMap}.
 */
import type { ChangedSetting } from './settings.js';

/** Header names/values on events: strings decoded with `headerEncoding`, or Buffers when it is null. */
export type EventHeaders = Array<[string, string]> | Array<[Buffer, Buffer]>;

/** Base of all events. h2: `Event` (no fields of its own; it exists for `instanceof`). */
export abstract class Event {
  /** The event's class name, stable under minification (the {@link CoreEventMap} key). */
  abstract get eventName(): CoreEventName;
}

/** END_STREAM received on a stream. h2: `StreamEnded`. */
export class StreamEnded extends Event {
  override get eventName(): 'StreamEnded' {
    return 'StreamEnded';
  }

  constructor(
    /** h2 `stream_id`: the stream it concerns. */
    readonly streamId: number,
  ) {
    super();
  }
}

/** A PRIORITY frame or a HEADERS frame with priority fields. `weight` is 1..256. h2: `PriorityUpdated`. */
export class PriorityUpdated extends Event {
  override get eventName(): 'PriorityUpdated' {
    return 'PriorityUpdated';
  }

  constructor(
    /** h2 `stream_id`: the stream it concerns. */
    readonly streamId: number,
    /** h2 `weight`: priority weight, 1..256. */
    readonly weight: number,
    /** h2 `depends_on`: the stream this one depends on (0: the root). */
    readonly dependsOn: number,
    /** h2 `exclusive`: the exclusive flag of the dependency. */
    readonly exclusive: boolean,
  ) {
    super();
  }
}

abstract class HeadersEvent extends Event {
  constructor(
    /** h2 `stream_id`: the stream it concerns. */
    readonly streamId: number,
    /** h2 `headers`: the header fields, decoded with `headerEncoding`. */
    readonly headers: EventHeaders,
    /** h2 `stream_ended`: the StreamEnded event when the frame also ended the stream, else null. */
    readonly streamEnded: StreamEnded | null,
    /** h2 `priority_updated`: the PriorityUpdated event when the frame carried priority fields, else null. */
    readonly priorityUpdated: PriorityUpdated | null,
  ) {
    super();
  }
}

/** Server: a HEADERS frame opened a stream (a request). h2: `RequestReceived`. */
export class RequestReceived extends HeadersEvent {
  override get eventName(): 'RequestReceived' {
    return 'RequestReceived';
  }
}
/** Client: the final response headers of a stream. h2: `ResponseReceived`. */
export class ResponseReceived extends HeadersEvent {
  override get eventName(): 'ResponseReceived' {
    return 'ResponseReceived';
  }
}
/** A second (final) header block with END_STREAM: trailers. h2: `TrailersReceived`. */
export class TrailersReceived extends HeadersEvent {
  override get eventName(): 'TrailersReceived' {
    return 'TrailersReceived';
  }
}

/** Client: a 1xx response. h2: `InformationalResponseReceived`. */
export class InformationalResponseReceived extends Event {
  override get eventName(): 'InformationalResponseReceived' {
    return 'InformationalResponseReceived';
  }

  constructor(
    /** h2 `stream_id`: the stream it concerns. */
    readonly streamId: number,
    /** h2 `headers`: the header fields, decoded with `headerEncoding`. */
    readonly headers: EventHeaders,
    /** h2 `priority_updated`: the PriorityUpdated event when the frame carried priority fields, else null. */
    readonly priorityUpdated: PriorityUpdated | null,
  ) {
    super();
  }
}

/** DATA on an open stream. `data` excludes padding; `flowControlledLength` includes it. h2: `DataReceived`. */
export class DataReceived extends Event {
  override get eventName(): 'DataReceived' {
    return 'DataReceived';
  }

  constructor(
    /** h2 `stream_id`: the stream it concerns. */
    readonly streamId: number,
    /** h2 `data`: the payload, without padding. */
    readonly data: Buffer,
    /** h2 `flow_controlled_length`: octets counted against flow control (payload plus padding). */
    readonly flowControlledLength: number,
    /** h2 `stream_ended`: the StreamEnded event when the frame also ended the stream, else null. */
    readonly streamEnded: StreamEnded | null,
  ) {
    super();
  }
}

/** WINDOW_UPDATE received; streamId 0 is the connection. h2: `WindowUpdated`. */
export class WindowUpdated extends Event {
  override get eventName(): 'WindowUpdated' {
    return 'WindowUpdated';
  }

  constructor(
    /** h2 `stream_id`: the stream it concerns. */
    readonly streamId: number,
    /** h2 `delta`: the window increment. */
    readonly delta: number,
  ) {
    super();
  }
}

/** The peer's SETTINGS (already acknowledged for us). h2: `RemoteSettingsChanged`. */
export class RemoteSettingsChanged extends Event {
  override get eventName(): 'RemoteSettingsChanged' {
    return 'RemoteSettingsChanged';
  }

  constructor(
    /** h2 `changed_settings`: each changed setting by code, with its old and new value. */
    readonly changedSettings: Map<number, ChangedSetting>,
  ) {
    super();
  }
}

/** The peer acknowledged our SETTINGS. h2: `SettingsAcknowledged`. */
export class SettingsAcknowledged extends Event {
  override get eventName(): 'SettingsAcknowledged' {
    return 'SettingsAcknowledged';
  }

  constructor(
    /** h2 `changed_settings`: each changed setting by code, with its old and new value. */
    readonly changedSettings: Map<number, ChangedSetting>,
  ) {
    super();
  }
}

/** A PING (answered automatically). h2: `PingReceived`. */
export class PingReceived extends Event {
  override get eventName(): 'PingReceived' {
    return 'PingReceived';
  }

  constructor(
    /** h2 `ping_data`: the 8 opaque octets. */
    readonly pingData: Buffer,
  ) {
    super();
  }
}

/** The answer to our PING. h2: `PingAckReceived`. */
export class PingAckReceived extends Event {
  override get eventName(): 'PingAckReceived' {
    return 'PingAckReceived';
  }

  constructor(
    /** h2 `ping_data`: the 8 opaque octets. */
    readonly pingData: Buffer,
  ) {
    super();
  }
}

/** A stream was reset: by the peer (`remoteReset`) or by us because of a peer error. h2: `StreamReset`. */
export class StreamReset extends Event {
  override get eventName(): 'StreamReset' {
    return 'StreamReset';
  }

  constructor(
    /** h2 `stream_id`: the stream it concerns. */
    readonly streamId: number,
    /** h2 `error_code`: the RFC 9113 §7 error code. */
    readonly errorCode: number,
    /** h2 `remote_reset`: true if the peer sent the RST_STREAM, false if we did. */
    readonly remoteReset: boolean,
  ) {
    super();
  }
}

/** Client: the server promised a pushed stream. h2: `PushedStreamReceived`. */
export class PushedStreamReceived extends Event {
  override get eventName(): 'PushedStreamReceived' {
    return 'PushedStreamReceived';
  }

  constructor(
    /** h2 `pushed_stream_id`: the promised stream. */
    readonly pushedStreamId: number,
    /** h2 `parent_stream_id`: the stream the promise came on. */
    readonly parentStreamId: number,
    /** h2 `headers`: the header fields, decoded with `headerEncoding`. */
    readonly headers: EventHeaders,
  ) {
    super();
  }
}

/** GOAWAY received. `additionalData` is null when empty. h2: `ConnectionTerminated`. */
export class ConnectionTerminated extends Event {
  override get eventName(): 'ConnectionTerminated' {
    return 'ConnectionTerminated';
  }

  constructor(
    /** h2 `error_code`: the RFC 9113 §7 error code. */
    readonly errorCode: number,
    /** h2 `last_stream_id`: the highest stream id the peer processed. */
    readonly lastStreamId: number,
    /** h2 `additional_data`: the debug data, or null when empty. */
    readonly additionalData: Buffer | null,
  ) {
    super();
  }
}

/** Client: an ALTSVC advertisement (RFC 7838). h2: `AlternativeServiceAvailable`. */
export class AlternativeServiceAvailable extends Event {
  override get eventName(): 'AlternativeServiceAvailable' {
    return 'AlternativeServiceAvailable';
  }

  constructor(
    /** h2 `origin`: the origin it applies to; on a stream, the stream's `:authority` (null if it had none). */
    readonly origin: Buffer | null,
    /** h2 `field_value`: the Alt-Svc field value. */
    readonly fieldValue: Buffer,
    /** Extension (not in h2): the stream the frame came on, 0 for the connection (node's `'altsvc'` reports it). */
    readonly streamId: number = 0,
  ) {
    super();
  }
}

/**
 * Server: a PRIORITY_UPDATE frame (RFC 9218 §7.1) for an open, half-closed or idle stream
 * (frames for closed streams are dropped). Not in h2, whose `PriorityUpdated` is the RFC 7540
 * PRIORITY frame's event. `urgency` and `incremental` are the field value read as RFC 9218 §4
 * says (invalid members ignored); for an idle stream they apply when it opens, over its
 * `priority` header.
 */
export class PriorityUpdateReceived extends Event {
  override get eventName(): 'PriorityUpdateReceived' {
    return 'PriorityUpdateReceived';
  }

  constructor(
    /** The stream whose priority changes (the frame's Prioritized Stream ID). */
    readonly streamId: number,
    /** The Priority Field Value as sent (ASCII). */
    readonly fieldValue: string,
    /** `u`: 0 (most urgent) to 7; 3 when absent or invalid. */
    readonly urgency: number,
    /** `i`: the response may be interleaved with others of its urgency; false when absent. */
    readonly incremental: boolean,
  ) {
    super();
  }
}

/**
 * Client: an ORIGIN frame (RFC 8336) on stream 0: the origins the server says it is
 * authoritative for. Not in h2. Servers ignore ORIGIN, and clients ignore it on other streams
 * or when its entries are malformed (RFC 8336 §2.1): no event then.
 */
export class OriginReceived extends Event {
  override get eventName(): 'OriginReceived' {
    return 'OriginReceived';
  }

  constructor(
    /** The ASCII-serialized origins, in the order sent. */
    readonly origins: string[],
  ) {
    super();
  }
}

/** A frame of a type we do not implement. h2: `UnknownFrameReceived`. */
export class UnknownFrameReceived extends Event {
  override get eventName(): 'UnknownFrameReceived' {
    return 'UnknownFrameReceived';
  }

  constructor(
    /** h2 `frame`: the frame as received. */
    readonly frame: { readonly type: number; readonly flags: number; readonly streamId: number; readonly payload: Uint8Array },
  ) {
    super();
  }
}

/**
 * Every event class by its name: H2Duplex emits each core event under its class name, so
 * `h2.on('RequestReceived', (event) => …)` is typed by this map.
 */
export interface CoreEventMap {
  StreamEnded: StreamEnded;
  PriorityUpdated: PriorityUpdated;
  RequestReceived: RequestReceived;
  ResponseReceived: ResponseReceived;
  TrailersReceived: TrailersReceived;
  InformationalResponseReceived: InformationalResponseReceived;
  DataReceived: DataReceived;
  WindowUpdated: WindowUpdated;
  RemoteSettingsChanged: RemoteSettingsChanged;
  SettingsAcknowledged: SettingsAcknowledged;
  PingReceived: PingReceived;
  PingAckReceived: PingAckReceived;
  StreamReset: StreamReset;
  PushedStreamReceived: PushedStreamReceived;
  ConnectionTerminated: ConnectionTerminated;
  AlternativeServiceAvailable: AlternativeServiceAvailable;
  PriorityUpdateReceived: PriorityUpdateReceived;
  OriginReceived: OriginReceived;
  UnknownFrameReceived: UnknownFrameReceived;
}

/** The name of every core event class: `event.eventName` (the keys of {@link CoreEventMap}). */
export type CoreEventName = keyof CoreEventMap;

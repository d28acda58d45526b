/**
 * Every event the core returns from `receiveData` (h2 `events.py`), built complete: related
 * events are created first and linked at construction (`RequestReceived.streamEnded`).
 */
import type { ChangedSetting } from './settings.js';

/** Header names/values on events: strings decoded with `headerEncoding`, or Buffers when it is null. */
export type EventHeaders = Array<[string, string]> | Array<[Buffer, Buffer]>;

/** Base of all events. h2: `Event` (no fields of its own; it exists for `instanceof`). */
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- h2's Event is an empty base class
export abstract class Event {}

/** END_STREAM received on a stream. */
export class StreamEnded extends Event {
  constructor(readonly streamId: number) {
    super();
  }
}

/** A PRIORITY frame or a HEADERS frame with priority fields. `weight` is 1..256. */
export class PriorityUpdated extends Event {
  constructor(
    readonly streamId: number,
    readonly weight: number,
    readonly dependsOn: number,
    readonly exclusive: boolean,
  ) {
    super();
  }
}

abstract class HeadersEvent extends Event {
  constructor(
    readonly streamId: number,
    readonly headers: EventHeaders,
    readonly streamEnded: StreamEnded | null,
    readonly priorityUpdated: PriorityUpdated | null,
  ) {
    super();
  }
}

/** Server: a HEADERS frame opened a stream (a request). */
export class RequestReceived extends HeadersEvent {}
/** Client: the final response headers of a stream. */
export class ResponseReceived extends HeadersEvent {}
/** A second (final) header block with END_STREAM: trailers. */
export class TrailersReceived extends HeadersEvent {}

/** Client: a 1xx response. */
export class InformationalResponseReceived extends Event {
  constructor(
    readonly streamId: number,
    readonly headers: EventHeaders,
    readonly priorityUpdated: PriorityUpdated | null,
  ) {
    super();
  }
}

/** DATA on an open stream. `data` excludes padding; `flowControlledLength` includes it. */
export class DataReceived extends Event {
  constructor(
    readonly streamId: number,
    readonly data: Buffer,
    readonly flowControlledLength: number,
    readonly streamEnded: StreamEnded | null,
  ) {
    super();
  }
}

/** WINDOW_UPDATE received; streamId 0 is the connection. */
export class WindowUpdated extends Event {
  constructor(
    readonly streamId: number,
    readonly delta: number,
  ) {
    super();
  }
}

/** The peer's SETTINGS (already acknowledged for us). */
export class RemoteSettingsChanged extends Event {
  constructor(readonly changedSettings: Map<number, ChangedSetting>) {
    super();
  }
}

/** The peer acknowledged our SETTINGS. */
export class SettingsAcknowledged extends Event {
  constructor(readonly changedSettings: Map<number, ChangedSetting>) {
    super();
  }
}

/** A PING (answered automatically). */
export class PingReceived extends Event {
  constructor(readonly pingData: Buffer) {
    super();
  }
}

/** The answer to our PING. */
export class PingAckReceived extends Event {
  constructor(readonly pingData: Buffer) {
    super();
  }
}

/** A stream was reset: by the peer (`remoteReset`) or by us because of a peer error. */
export class StreamReset extends Event {
  constructor(
    readonly streamId: number,
    readonly errorCode: number,
    readonly remoteReset: boolean,
  ) {
    super();
  }
}

/** Client: the server promised a pushed stream. */
export class PushedStreamReceived extends Event {
  constructor(
    readonly pushedStreamId: number,
    readonly parentStreamId: number,
    readonly headers: EventHeaders,
  ) {
    super();
  }
}

/** GOAWAY received. `additionalData` is null when empty. */
export class ConnectionTerminated extends Event {
  constructor(
    readonly errorCode: number,
    readonly lastStreamId: number,
    readonly additionalData: Buffer | null,
  ) {
    super();
  }
}

/** Client: an ALTSVC advertisement (RFC 7838). */
export class AlternativeServiceAvailable extends Event {
  constructor(
    readonly origin: Buffer | null,
    readonly fieldValue: Buffer,
  ) {
    super();
  }
}

/** A frame of a type we do not implement. */
export class UnknownFrameReceived extends Event {
  constructor(readonly frame: { readonly type: number; readonly flags: number; readonly streamId: number; readonly payload: Uint8Array }) {
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
  UnknownFrameReceived: UnknownFrameReceived;
}

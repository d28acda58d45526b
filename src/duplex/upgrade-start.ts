/**
 * How an H2Duplex starts on a connection reached by an h2c upgrade (RFC 7540 §3.2; the
 * `upgrade` option, which h2c.ts sets), in place of the plain preface: the core's h2c start
 * (h2 `initiate_upgrade_connection`), where stream 1 is the HTTP/1.1 request, already sent
 * (client) or received (server), so it is half-closed from the client's side.
 */
import { InvalidArgumentError } from '../errors.js';
import { type Event, type H2Connection, RequestReceived, StreamEnded } from '../core/index.js';
import { headerText } from './node-headers.js';
import type { H2DuplexOptions } from './options.js';

/** The `upgrade` option: `true` on a client; on a server, the client's HTTP2-Settings value and its request. */
export type UpgradeOption = NonNullable<H2DuplexOptions['upgrade']>;

/**
 * Client: starts the upgraded connection; returns the HTTP2-Settings value for the HTTP/1.1
 * request (stream 1 then carries its response).
 * @throws InvalidArgumentError (`ERR_H2_INVALID_OPTION`) when `upgrade` is not `true`.
 */
export function startClientUpgrade(connection: H2Connection, upgrade: UpgradeOption): string | null {
  if (upgrade !== true) throw new InvalidArgumentError('H2Duplex: a client starts an upgrade with `upgrade: true`', 'ERR_H2_INVALID_OPTION');
  return connection.initiateUpgradeConnection();
}

/**
 * Server: starts the upgraded connection with the client's HTTP2-Settings; returns the
 * upgraded request as the core would have reported it on stream 1 (received, and ended).
 * @throws InvalidArgumentError (`ERR_H2_INVALID_OPTION`) when `upgrade` has no request; what
 *   the core throws for a bad HTTP2-Settings value.
 */
export function startServerUpgrade(connection: H2Connection, upgrade: UpgradeOption): Event[] {
  if (upgrade === true) throw new InvalidArgumentError('H2Duplex: a server upgrade needs the request: `upgrade: { settings, request }`', 'ERR_H2_INVALID_OPTION');
  connection.initiateUpgradeConnection(upgrade.settings);
  const headers = upgrade.request.map(([name, value]): [string, string] => [headerText(name), headerText(value)]);
  const ended = new StreamEnded(1);
  return [new RequestReceived(1, headers, ended, null), ended];
}

/**
 * ConnectionControl on its own: a real client core talking to a real server core, a real
 * Deadlines and ConnectionEnd, a recording send scheduler and event sink. Our PING and SETTINGS
 * in both of node's forms, and what the peer's control frames mean.
 */
import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import { DataReceived, ErrorCodes, type Event, SettingCodes, StreamResetError } from '../../src/index.js';
import { ConnectionControl } from '../../src/duplex/connection-control.js';
import { ConnectionEnd } from '../../src/duplex/connection-end.js';
import { Deadlines } from '../../src/duplex/deadlines.js';
import { connectedPair } from '../helpers/peers.js';

function setup() {
  const { client, server } = connectedPair();
  const deadlines = new Deadlines({ preface: null, settingsAck: null, headerBlock: null, idle: null, goawayClose: null, streamIdle: null, ack: 1000 }, { deadlinesTick: () => undefined });
  const end = new ConnectionEnd({
    connection: client,
    deadlines,
    destroyed: false,
    outputPending: 0,
    outputEnded: false,
    openStreams: 0,
    flush: () => undefined,
    endOutput: () => undefined,
    failAll: () => undefined,
    destroyQuietly: () => undefined,
  });
  const log: string[] = [];
  const failedOpens: Error[] = [];
  const scheduler = {
    opensWaiting: 1,
    windowOpened: () => log.push('windowOpened'),
    startOpens: () => log.push('startOpens'),
    failOpens: (make: () => Error) => failedOpens.push(make()),
  };
  const events = new EventEmitter();
  const control = new ConnectionControl({ connection: client, deadlines, end, scheduler, scheduleFlush: () => log.push('flush'), events });
  /** The client's output read by the server, the server's answer read by the client and delivered. */
  const roundTrip = (): Event[] => {
    server.receiveData(client.dataToSend());
    const answer = client.receiveData(server.dataToSend());
    for (const ev of answer) control.deliver(ev);
    return answer;
  };
  return { client, server, control, deadlines, log, failedOpens, events, roundTrip };
}

describe('ConnectionControl', function () {
  it('resolves ping() with the round-trip time once its ACK is delivered, and keeps it as lastRtt', async function () {
    const { control, deadlines, roundTrip, log } = setup();
    const rtt = control.ping(Buffer.from('01234567'), undefined) as Promise<number>;
    expect(log).to.deep.equal(['flush']);
    roundTrip();
    const ms = await rtt;
    expect(ms).to.be.a('number').and.at.least(0);
    expect(control.lastRtt).to.equal(ms);
    deadlines.stop();
  });

  it("takes node's ping(callback): true when sent, then callback(null, duration, payload)", async function () {
    const { control, deadlines, roundTrip } = setup();
    const answered = new Promise<[Error | null, number, Buffer]>((resolve) => {
      expect(control.ping(undefined, (...args) => { resolve(args); })).to.equal(true);
    });
    roundTrip();
    const [error, duration, payload] = await answered;
    expect(error).to.equal(null);
    expect(duration).to.be.at.least(0);
    expect(payload).to.have.length(8);
    deadlines.stop();
  });

  it('refuses a second ping() with a payload in flight: ERR_H2_PING_IN_FLIGHT', async function () {
    const { control, deadlines } = setup();
    const first = (control.ping(Buffer.alloc(8), undefined) as Promise<number>).catch(() => 'failed');
    let error: unknown = null;
    await (control.ping(Buffer.alloc(8), undefined) as Promise<number>).catch((err: unknown) => (error = err));
    expect(error).to.have.property('code', 'ERR_H2_PING_IN_FLIGHT');
    deadlines.failWaiters(new Error('done'));
    expect(await first).to.equal('failed');
    deadlines.stop();
  });

  it("gives node's settings(callback) our settings in force by node's names once acknowledged, and emits 'localSettings'", async function () {
    const { control, deadlines, roundTrip, events } = setup();
    let emitted: unknown = null;
    events.on('localSettings', (settings: unknown) => (emitted = settings));
    const acknowledged = new Promise<unknown>((resolve) => {
      void control.settings({ initialWindowSize: 1 << 20 }, (error, settings) => { resolve([error, settings]); });
    });
    roundTrip();
    const [error, settings] = (await acknowledged) as [Error | null, { initialWindowSize: number }];
    expect(error).to.equal(null);
    expect(settings.initialWindowSize).to.equal(1 << 20);
    expect(emitted).to.deep.equal(settings);
    deadlines.stop();
  });

  it("emits the peer's PING payload as 'ping' (the core answers it)", function () {
    const { client, server, control, events } = setup();
    const pings: Buffer[] = [];
    events.on('ping', (payload: Buffer) => pings.push(payload));
    server.ping(Buffer.from('abcdefgh'));
    for (const ev of client.receiveData(server.dataToSend())) control.deliver(ev);
    expect(pings.map((p) => p.toString())).to.deep.equal(['abcdefgh']);
  });

  it("emits the peer's GOAWAY as 'goaway' and fails queued requests as retryable (REFUSED_STREAM)", function () {
    const { client, server, control, events, failedOpens } = setup();
    const goaways: unknown[][] = [];
    events.on('goaway', (...args: unknown[]) => goaways.push(args));
    server.closeConnection(ErrorCodes.NO_ERROR);
    for (const ev of client.receiveData(server.dataToSend())) control.deliver(ev);
    expect(goaways).to.deep.equal([[ErrorCodes.NO_ERROR, 0, null]]);
    expect(failedOpens).to.have.length(1);
    expect(failedOpens[0]).to.be.instanceOf(StreamResetError).and.include({ errorCode: ErrorCodes.REFUSED_STREAM });
  });

  it("retries parked writes and queued requests when the peer's SETTINGS change, and says a window opened once", function () {
    const { client, server, control, log } = setup();
    server.updateSettings({ [SettingCodes.INITIAL_WINDOW_SIZE]: 1 << 20 });
    for (const ev of client.receiveData(server.dataToSend())) control.deliver(ev);
    expect(log).to.deep.equal(['windowOpened', 'startOpens']);
    expect(control.takeWindowOpened()).to.equal(true);
    expect(control.takeWindowOpened()).to.equal(false);
  });

  it("leaves a stream's events to the router: deliver() is false for them", function () {
    const { control } = setup();
    expect(control.deliver(new DataReceived(1, Buffer.alloc(0), 0, null))).to.equal(false);
  });
});

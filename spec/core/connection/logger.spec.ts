/**
 * The `logger` option (h2 config.logger): debug lines for actions and received frames, trace
 * lines for received bytes; the default logger is never called.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { H2Configuration, H2Connection } from '../../../src/index.js';
import { REQ } from '../../helpers/peers.js';

describe('H2Connection: logger', function () {
  it('logs actions and received frames at debug, received bytes at trace', function () {
    const logger = { debug: sinon.spy(), trace: sinon.spy() };
    const client = new H2Connection(new H2Configuration({ clientSide: true, logger }));
    const server = new H2Connection(new H2Configuration({ clientSide: false }));
    client.initiateConnection();
    server.initiateConnection();
    client.receiveData(server.dataToSend());
    client.sendHeaders(1, REQ, { endStream: true });
    const messages = logger.debug.getCalls().map((c) => String(c.args[0]));
    expect(messages).to.include('Initializing connection');
    expect(messages).to.include('Received frame:');
    expect(messages).to.include('Send headers on stream ID 1');
    expect(logger.trace.calledOnce).to.equal(true);
    expect(logger.trace.firstCall.args[1]).to.be.instanceOf(Uint8Array);
  });

  it('builds no messages with the default logger', function () {
    const config = new H2Configuration({ clientSide: true });
    const debug = sinon.spy(config.logger, 'debug');
    const c = new H2Connection(config);
    c.initiateConnection();
    c.sendHeaders(1, REQ, { endStream: true });
    expect(debug.called).to.equal(false);
    debug.restore();
  });
});

/**
 * SETTINGS_INITIAL_WINDOW_SIZE changes (RFC 9113 §6.9.2): applied to every open stream's
 * window in the direction they govern, able to make a window negative, and an overflow past
 * 2^31-1 is a FLOW_CONTROL_ERROR.
 */
import { expect } from 'chai';
import { ErrorCodes, FlowControlError, SettingCodes, WindowUpdated } from '../../../src/index.js';
import { rawFrame } from '../../helpers/bytes.js';
import { names, streamOpen } from '../../helpers/peers.js';

const settingsFrame = (code: number, value: number) => {
  const payload = Buffer.alloc(6);
  payload.writeUInt16BE(code, 0);
  payload.writeUInt32BE(value, 2);
  return rawFrame(4, 0, 0, payload);
};

describe('H2Connection: INITIAL_WINDOW_SIZE changes', function () {
  it('shrinks an open stream window below zero; sending waits for WINDOW_UPDATE', function () {
    const { client, server } = streamOpen();
    server.sendData(1, Buffer.alloc(60000));
    client.receiveData(server.dataToSend());
    expect(server.localFlowControlWindow(1)).to.equal(5535);
    // The client shrinks the window to 1000: the server's view becomes 1000 - 60000.
    client.updateSettings({ [SettingCodes.INITIAL_WINDOW_SIZE]: 1000 });
    server.receiveData(client.dataToSend());
    expect(server.localFlowControlWindow(1)).to.equal(-59000);
    expect(() => server.sendData(1, Buffer.alloc(1))).to.throw(FlowControlError);
    // Connection window is separate: still 5535 left there.
    client.incrementFlowControlWindow(60000, 1);
    const events = server.receiveData(client.dataToSend());
    expect(events[0]).to.be.instanceOf(WindowUpdated).and.deep.include({ streamId: 1, delta: 60000 });
    expect(server.localFlowControlWindow(1)).to.equal(1000);
  });

  it('grows an open stream window with the new setting', function () {
    const { client, server } = streamOpen();
    client.updateSettings({ [SettingCodes.INITIAL_WINDOW_SIZE]: 70000 });
    server.receiveData(client.dataToSend());
    client.receiveData(server.dataToSend());
    // Stream window 70000, connection window still 65535.
    expect(server.localFlowControlWindow(1)).to.equal(65535);
    expect(client.remoteFlowControlWindow(1)).to.equal(65535);
    client.incrementFlowControlWindow(10000);
    server.receiveData(client.dataToSend());
    expect(server.localFlowControlWindow(1)).to.equal(70000);
  });

  it('applies our own change to inbound windows only once the peer acknowledges it', function () {
    const { client, server } = streamOpen();
    client.updateSettings({ [SettingCodes.INITIAL_WINDOW_SIZE]: 1000 });
    const settings = client.dataToSend();
    // Before the ACK the server may still send the old window's worth.
    server.sendData(1, Buffer.alloc(16384));
    client.receiveData(server.dataToSend());
    server.receiveData(settings);
    const events = client.receiveData(server.dataToSend());
    expect(names(events)).to.deep.equal(['SettingsAcknowledged']);
    // 1000 - 16384: the server must wait.
    expect(client.remoteFlowControlWindow(1)).to.equal(-15384);
  });

  it('treats a change that overflows a stream window as FLOW_CONTROL_ERROR', function () {
    const { client, server } = streamOpen();
    client.incrementFlowControlWindow(0x7fffffff - 65535, 1);
    server.receiveData(client.dataToSend());
    expect(server.localFlowControlWindow(1)).to.equal(65535);
    expect(() => server.receiveData(settingsFrame(SettingCodes.INITIAL_WINDOW_SIZE, 65536))).to.throw(FlowControlError);
    expect(server.dataToSend().toString('hex')).to.equal('0000080700000000000000000100000003');
  });

  it('rejects an INITIAL_WINDOW_SIZE above 2^31-1 with FLOW_CONTROL_ERROR', function () {
    const { server } = streamOpen();
    expect(() => server.receiveData(settingsFrame(SettingCodes.INITIAL_WINDOW_SIZE, 0x80000000))).to.throw(Error);
    expect(server.dataToSend().toString('hex')).to.equal('00000807000000000000000001000000' + ErrorCodes.FLOW_CONTROL_ERROR.toString(16).padStart(2, '0'));
  });

  it('does not touch the connection window', function () {
    const { client, server } = streamOpen();
    client.updateSettings({ [SettingCodes.INITIAL_WINDOW_SIZE]: 10 });
    server.receiveData(client.dataToSend());
    expect(server.outboundFlowControlWindow).to.equal(65535);
    expect(server.localFlowControlWindow(1)).to.equal(10);
  });
});

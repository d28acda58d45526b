/**
 * Every core event names itself in `eventName`: a string literal equal to its class name, the
 * key of CoreEventMap, kept on the prototype (events carry no extra own field) so that it
 * survives minification where `constructor.name` does not.
 */
import { expect } from 'chai';
import {
  AlternativeServiceAvailable,
  ConnectionTerminated,
  type CoreEventMap,
  type CoreEventName,
  DataReceived,
  InformationalResponseReceived,
  PingAckReceived,
  PingReceived,
  PriorityUpdated,
  PushedStreamReceived,
  RemoteSettingsChanged,
  RequestReceived,
  ResponseReceived,
  SettingsAcknowledged,
  StreamEnded,
  StreamReset,
  TrailersReceived,
  UnknownFrameReceived,
  WindowUpdated,
  PriorityUpdateReceived,
  OriginReceived,
} from '../../src/index.js';

/**
 * One class per CoreEventMap key, and nothing else: the mapped type makes the compiler check
 * that the keys are exactly CoreEventName and that each class's `eventName` is its key.
 */
const CLASSES: { [K in CoreEventName]: { prototype: CoreEventMap[K] & { readonly eventName: K } } } = {
  StreamEnded,
  PriorityUpdated,
  PriorityUpdateReceived,
  OriginReceived,
  RequestReceived,
  ResponseReceived,
  TrailersReceived,
  InformationalResponseReceived,
  DataReceived,
  WindowUpdated,
  RemoteSettingsChanged,
  SettingsAcknowledged,
  PingReceived,
  PingAckReceived,
  StreamReset,
  PushedStreamReceived,
  ConnectionTerminated,
  AlternativeServiceAvailable,
  UnknownFrameReceived,
};

describe('core events: eventName', function () {
  it('is the class name, for every CoreEventMap key', function () {
    for (const [name, cls] of Object.entries(CLASSES)) {
      expect(cls.prototype.eventName).to.equal(name);
      expect((cls as unknown as { name: string }).name).to.equal(name);
    }
  });

  it('lives on the prototype: an event has no own eventName field', function () {
    const ended = new StreamEnded(1);
    const request = new RequestReceived(1, [], ended, null);
    expect(request.eventName).to.equal('RequestReceived');
    expect(Object.keys(request)).to.not.include('eventName');
    expect(Object.getOwnPropertyNames(ended)).to.deep.equal(['streamId']);
  });

  it('tells apart the header events that share a base class', function () {
    const names = [new RequestReceived(1, [], null, null), new ResponseReceived(1, [], null, null), new TrailersReceived(1, [], null, null)].map((e) => e.eventName);
    expect(names).to.deep.equal(['RequestReceived', 'ResponseReceived', 'TrailersReceived']);
  });
});

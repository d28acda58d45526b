/**
 * The options objects of H2Connection's actions: unknown keys (h2's snake_case keywords
 * included) are refused, not ignored; priority options become frame fields.
 */
import { expect } from 'chai';
import { InvalidArgumentError, ProtocolError } from '../../src/index.js';
import { checkSendDataOptions, priorityFields, type SendDataOptions } from '../../src/core/send-options.js';

describe('send options', function () {
  it('accepts the known sendData keys, in any combination', function () {
    for (const options of [{}, { endStream: true }, { padLength: 3, zeroCopy: false }, { endStream: false, padLength: 0, zeroCopy: true }]) {
      expect(() => checkSendDataOptions(options)).to.not.throw();
    }
  });

  it("refuses an unknown sendData key, naming the camelCase one for h2's snake_case", function () {
    expect(() => checkSendDataOptions({ end_stream: true } as SendDataOptions))
      .to.throw(InvalidArgumentError, "did you mean 'endStream'")
      .with.property('code', 'ERR_H2_INVALID_OPTION');
    expect(() => checkSendDataOptions(true as unknown as SendDataOptions)).to.throw(InvalidArgumentError, 'options must be an object');
  });

  it('turns priority options into frame fields: weight 1..256 is sent as 0..255, defaults 16, 0, false', function () {
    expect(priorityFields(3)).to.deep.equal({ weight: 15, dependsOn: 0, exclusive: false });
    expect(priorityFields(3, 256, 1, true)).to.deep.equal({ weight: 255, dependsOn: 1, exclusive: true });
  });

  it('refuses a weight outside 1..256 and a stream depending on itself', function () {
    expect(() => priorityFields(3, 0)).to.throw(ProtocolError, 'Weight must be between 1 and 256, not 0');
    expect(() => priorityFields(3, 16, 3)).to.throw(ProtocolError, 'Stream 3 must not depend on itself');
  });
});

/**
 * HeaderSections on its own: a recording stream and port stand in for H2Stream, so each rule of
 * the header sections a stream sends (the final response, 1xx, trailers, waitForTrailers) is
 * checked by the HEADERS it asks for and what it reports.
 */
import { expect } from 'chai';
import { OutOfRangeError, UsageError } from '../../src/index.js';
import type { HeaderInput } from '../../src/core/index.js';
import { HeaderSections, type SectionsPort, type SectionsStream } from '../../src/duplex/header-sections.js';
import type { StreamRole } from '../../src/duplex/stream-host.js';

interface FakeStream extends SectionsStream {
  role: StreamRole;
  destroyed: boolean;
  writableEnded: boolean;
  rstCode: number | undefined;
  headRequest: boolean;
  closed: boolean;
  /** What the sections did, in order. */
  log: string[];
}

function setup(role: StreamRole = 'response', port: Partial<SectionsPort<FakeStream>> = {}) {
  const stream: FakeStream = {
    id: 1,
    role,
    destroyed: false,
    writableEnded: false,
    rstCode: undefined,
    headRequest: false,
    closed: false,
    log: [],
    end() {
      this.writableEnded = true;
      this.log.push('end');
    },
    emit(event) {
      this.log.push(event);
      return true;
    },
  };
  const sent: Array<{ list: HeaderInput[]; endStream: boolean }> = [];
  const sections = new HeaderSections<FakeStream>(stream, {
    send: (s, list, endStream) => {
      sent.push({ list, endStream });
      s.log.push(`HEADERS${endStream ? ' END_STREAM' : ''}`);
      return true;
    },
    ended: (s) => s.log.push('ended'),
    closed: (s) => s.closed,
    ...port,
  });
  return { stream, sections, sent };
}

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return null;
}

describe('HeaderSections', function () {
  it('sends the response with `:status: 200` first when none is given, and reports it as given', function () {
    const { sections, sent, stream } = setup();
    const headers = { 'content-type': 'text/plain' };
    sections.respond(headers, {});
    expect(sent).to.deep.equal([{ list: [[':status', '200'], ['content-type', 'text/plain']], endStream: false }]);
    expect(sections.final).to.equal(headers);
    expect(sections.finalSent).to.equal(true);
    expect(stream.log).to.deep.equal(['HEADERS']);
  });

  it('ends the stream with the headers of a 204, 205 or 304 response, or of any response to HEAD', function () {
    for (const status of ['204', '205', '304']) {
      const { sections, stream } = setup();
      sections.respond({ ':status': status }, {});
      expect(stream.log, status).to.deep.equal(['HEADERS END_STREAM', 'ended', 'end']);
    }
    const { sections, stream } = setup();
    stream.headRequest = true;
    sections.respond({ ':status': 200 }, {});
    expect(stream.log).to.deep.equal(['HEADERS END_STREAM', 'ended', 'end']);
  });

  it('keeps END_STREAM off a bodiless response that waits for trailers, and ends only the writable side', function () {
    const { sections, stream } = setup();
    sections.respond({ ':status': 204 }, { waitForTrailers: true });
    expect(stream.log).to.deep.equal(['HEADERS', 'end']);
    expect(sections.awaitsTrailers).to.equal(true);
    expect(sections.endsWithData).to.equal(false);
  });

  it('sends a 1xx given to respond() as an interim response: the final one is still to come', function () {
    const { sections } = setup();
    sections.respond({ ':status': 103, link: '</a.css>; rel=preload' }, {});
    sections.additionalHeaders([[':status', '100']]);
    expect(sections.finalSent).to.equal(false);
    expect(sections.informational).to.have.length(2);
    sections.respond({}, {});
    expect(sections.finalSent).to.equal(true);
  });

  it('refuses additionalHeaders() without an informational status, or with 101 (RFC 9113 §8.6)', function () {
    for (const status of ['200', '101']) {
      const { sections, sent } = setup();
      expect(thrown(() => sections.additionalHeaders({ ':status': status }))).to.be.instanceOf(OutOfRangeError);
      expect(sent).to.deep.equal([]);
    }
  });

  it('refuses a second response with ERR_H2_HEADERS_SENT, naming the write that sent the first', function () {
    const { sections } = setup();
    sections.autoRespond();
    const err = thrown(() => sections.respond({}, {}));
    expect(err).to.be.instanceOf(UsageError).and.include({ code: 'ERR_H2_HEADERS_SENT' });
    expect((err as Error).message).to.include('a write or end() before respond()');
  });

  it('answers nothing on its own for a client: autoRespond() leaves a request alone, respond() is the wrong side', function () {
    const { sections, sent } = setup('request');
    sections.autoRespond();
    expect(sent).to.deep.equal([]);
    expect(thrown(() => sections.respond({}, {}))).to.be.instanceOf(UsageError).and.include({ code: 'ERR_H2_WRONG_SIDE' });
  });

  it('refuses to respond on a closed stream with ERR_H2_STREAM_CLOSED', function () {
    const { sections, stream } = setup();
    stream.closed = true;
    stream.rstCode = 8;
    const err = thrown(() => sections.respond({}, {}));
    expect(err).to.be.instanceOf(UsageError).and.include({ code: 'ERR_H2_STREAM_CLOSED' });
    expect((err as Error).message).to.include('reset with CANCEL');
  });

  it('does not count a response whose HEADERS could not be sent', function () {
    const { sections, stream } = setup('response', { send: () => false });
    sections.respond({ ':status': 204 }, {});
    expect(sections.finalSent).to.equal(false);
    expect(stream.log).to.deep.equal([]);
  });

  it('holds trailers given before the body ends for the end of the body, and takes them once', function () {
    const { sections, stream, sent } = setup();
    sections.respond({}, {});
    sections.sendTrailers({ 'x-checksum': 'abc' });
    expect(sent).to.have.length(1);
    expect(sections.pendingTrailers).to.deep.equal([['x-checksum', 'abc']]);
    expect(sections.trailers).to.deep.equal({ 'x-checksum': 'abc' });
    expect(sections.endsWithData).to.equal(false);
    expect(stream.log).to.deep.equal(['HEADERS', 'end']);
    expect(thrown(() => sections.sendTrailers({ a: 'b' }))).to.be.instanceOf(UsageError).and.include({ code: 'ERR_H2_TRAILERS_SENT' });
  });

  it("with waitForTrailers, ends the body with 'wantTrailers' on the next tick; then sends the trailers at once with END_STREAM", async function () {
    const { sections, stream, sent } = setup();
    sections.respond({}, { waitForTrailers: true });
    let done = false;
    sections.bodyEndedAwaitingTrailers(() => {
      done = true;
    });
    expect(done).to.equal(true);
    expect(stream.log).to.deep.equal(['HEADERS']);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(stream.log).to.deep.equal(['HEADERS', 'wantTrailers']);
    sections.sendTrailers([['grpc-status', '0']]);
    expect(sent[1]).to.deep.equal({ list: [['grpc-status', '0']], endStream: true });
    expect(stream.log).to.deep.equal(['HEADERS', 'wantTrailers', 'HEADERS END_STREAM', 'ended']);
  });
});

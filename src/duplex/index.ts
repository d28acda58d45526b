/**
 * The Node stream adapter: public surface; defines nothing.
 */
export { H2Duplex, type H2DuplexOptions, type H2DuplexEvents, type H2CoreEvents, type H2DuplexStats } from './h2-duplex.js';
export { FrameTrace, type TraceSink } from './trace.js';
export { acceptH2cUpgrade, isH2cUpgrade, requestH2cUpgrade, type H2cUpgradeResult } from './h2c.js';
export { H2Stream, type H2StreamEvents, type SendHeadersAdapterOptions, type StreamRole } from './h2-stream.js';
export { createPair, type PairOptions } from './pair.js';

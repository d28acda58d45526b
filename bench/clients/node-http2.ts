/**
 * The client benchmarks' load client on node:http2 (./program.ts is the program; this file
 * and ./h2duplex.ts differ only in the import of `connect`).
 */
import { connect } from 'node:http2';
import { main } from './program.js';

await main(connect);

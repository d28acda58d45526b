'use strict';
/**
 * Mocha's spec reporter plus one closing line CI reads: `N passed, N failed, N skipped`.
 * A run that executed no test therefore shows "0 passed" instead of looking green.
 * CommonJS because mocha loads reporters with require().
 */
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  epilogue() {
    super.epilogue();
    const s = this.stats;
    process.stdout.write(`${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
  }
}

module.exports = SummaryReporter;

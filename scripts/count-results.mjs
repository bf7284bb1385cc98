// Sums test reports into the one line CI reads: "N passed, N failed".
// Arguments: KIND:REPORT.json:EXIT_CODE, KIND being vitest or playwright.
// A missing report, or a runner that exited non-zero without a failed test in
// its report (an unhandled error, a crash), counts as one failure.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;

for (const arg of process.argv.slice(2)) {
  const [kind, file, exit] = arg.split(':');
  const report = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  let failedHere = 0;
  if (report && kind === 'vitest') {
    passed += report.numPassedTests;
    failedHere = report.numFailedTests;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  } else if (report && kind === 'playwright') {
    passed += report.stats.expected + report.stats.flaky;
    failedHere = report.stats.unexpected;
    skipped += report.stats.skipped;
  }
  if (!report) {
    console.error(`no ${kind} report at ${file}: counted as one failure`);
    failedHere = Math.max(failedHere, 1);
  } else if (Number(exit) !== 0 && failedHere === 0) {
    console.error(`${kind} run for ${file} exited ${exit} without a failed test: counted as one failure`);
    failedHere = 1;
  }
  failed += failedHere;
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);

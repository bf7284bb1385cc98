// Sums the vitest and Playwright JSON reports into the one line CI reads:
// "N passed, N failed". A runner that exited non-zero without a failed test
// (an unhandled error, a crash, a missing report) counts as one failure.
import { existsSync, readFileSync } from 'node:fs';

const [vitestFile, vitestExit, e2eFile, e2eExit] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

function read(file) {
  return file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

const v = read(vitestFile);
if (v) {
  passed += v.numPassedTests;
  failed += v.numFailedTests;
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
}
if (Number(vitestExit) !== 0 && (!v || v.numFailedTests === 0)) failed += 1;

if (e2eFile !== undefined) {
  const e = read(e2eFile);
  if (e) {
    passed += e.stats.expected + e.stats.flaky;
    failed += e.stats.unexpected;
    skipped += e.stats.skipped;
  }
  if (Number(e2eExit) !== 0 && (!e || e.stats.unexpected === 0)) failed += 1;
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);

/**
 * Micro-benchmark: the reference evaluator (unleash-client's engine, each flag once) against the
 * compiled evaluator, on the test workload at 20, 200 and 2000 flags, with a different
 * userId/sessionId on every request. Run: `node --import tsx bench/evaluator.ts`.
 */
import { compileEvaluator } from '../src/evaluation/compile/index.js';
import type { EvaluationContext, Evaluator } from '../src/evaluation/types.js';
import { createReferenceEvaluator } from '../src/unleash/reference-evaluator.js';
import { createSnapshot } from '../src/unleash/snapshot.js';
import { randomContext } from '../test/fixtures/contexts.js';
import { Rng } from '../test/fixtures/random.js';
import { buildWorkload } from '../test/fixtures/workload.js';

const FLAG_COUNTS = [20, 200, 2000];
const MEASURE_MS = Number(process.env.BENCH_MS ?? 1500);

function contexts(count: number): EvaluationContext[] {
  const rng = new Rng(99);
  return Array.from({ length: count }, (_, i) => ({
    ...randomContext(rng),
    userId: `user-${i}`,
    sessionId: String(1_000_000 + i),
  }));
}

/** Requests per second over about MEASURE_MS, after a warm-up. */
function measure(evaluator: Evaluator, requests: EvaluationContext[]): number {
  let sink = 0;
  const run = (ms: number) => {
    let done = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (let i = 0; i < 50; i++) {
        sink += evaluator.evaluate(requests[done % requests.length] as EvaluationContext).length;
        done++;
      }
      now = performance.now();
    }
    return (done * 1000) / (now - start);
  };
  run(MEASURE_MS / 3);
  const rate = run(MEASURE_MS);
  if (sink < 0) console.log(sink);
  return rate;
}

const format = (n: number) => Math.round(n).toLocaleString('en-US').padStart(12);

const requests = contexts(10_000);
console.log(`node ${process.version}, ${MEASURE_MS} ms per measurement`);
console.log(
  `${'flags'.padStart(6)} ${'reference req/s'.padStart(16)} ${'compiled req/s'.padStart(16)} ${'reference flags/s'.padStart(18)} ${'compiled flags/s'.padStart(18)} ${'ratio'.padStart(7)}`,
);
for (const flagCount of FLAG_COUNTS) {
  const workload = buildWorkload(flagCount);
  const snapshot = createSnapshot(1, workload.features, workload.segments);
  const reference = createReferenceEvaluator(snapshot);
  const compiled = compileEvaluator(snapshot, { customStrategies: [] });
  const referenceRate = measure(reference, requests);
  const compiledRate = measure(compiled, requests);
  console.log(
    `${String(flagCount).padStart(6)} ${format(referenceRate).padStart(16)} ${format(compiledRate).padStart(16)} ${format(referenceRate * flagCount).padStart(18)} ${format(compiledRate * flagCount).padStart(18)} ${`${(compiledRate / referenceRate).toFixed(1)}x`.padStart(7)}`,
  );
}

/**
 * Preloaded (`node --require`) into every implementation the bench loads: how long its event
 * loop's turns take. Under load a turn answers the requests that arrived during the turn before,
 * so with connections that send again as soon as they are answered, a request waits from one to
 * about two turns: the turns explain the latency. monitorEventLoopDelay's 1 ms timer fires once
 * per turn while the loop is busy, so what it records are the turns. On SIGUSR2 the turns since
 * the last signal are written to BENCH_LOOP_FILE as JSON, and counting starts over.
 * Plain CommonJS, so that it loads the same way into all three implementations.
 */
'use strict';
const { writeFileSync } = require('node:fs');
const { monitorEventLoopDelay } = require('node:perf_hooks');

const file = process.env.BENCH_LOOP_FILE;
if (file) {
  const turns = monitorEventLoopDelay({ resolution: 1 });
  turns.enable();
  let sequence = 0;
  process.on('SIGUSR2', () => {
    sequence += 1;
    const ms = (nanoseconds) => nanoseconds / 1e6;
    const report = { sequence, p50Ms: ms(turns.percentile(50)), p99Ms: ms(turns.percentile(99)) };
    writeFileSync(file, JSON.stringify(report));
    turns.reset();
  });
}

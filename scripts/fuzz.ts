// Long fuzzing runs of the targets the bounded tests run (test/unit/fuzz-*.test.ts): many more inputs, and on
// a failure the input is shrunk and kept in test/fixtures/fuzz-corpus/<target>/, which the tests replay first.
//
//   npm run fuzz                                   every target, 20 000 inputs each
//   npm run fuzz -- --runs 100000 --target imap-command,message
//   npm run fuzz -- --minutes 30                   new seeds until the time is up
//   npm run fuzz -- --target sasl --seed 42 [--path 3:1:0]   replay a reported failure
// FUZZ_RUNS and FUZZ_SEED set the defaults of --runs and --seed.
import { parseArgs } from 'node:util';
import { describeFailure, runFuzz, saveToCorpus } from '../test/helpers/fuzz.ts';
import { TARGET_NAMES } from '../test/helpers/fuzz-targets.ts';

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    runs: { type: 'string', default: process.env.FUZZ_RUNS ?? '20000' },
    seed: { type: 'string', default: process.env.FUZZ_SEED },
    path: { type: 'string' },
    minutes: { type: 'string' },
  },
});

const targets = values.target ? values.target.split(',') : TARGET_NAMES;
const unknown = targets.filter((t) => !TARGET_NAMES.includes(t));
if (unknown.length > 0) {
  console.error(`unknown target(s) ${unknown.join(', ')}; known: ${TARGET_NAMES.join(', ')}`);
  process.exit(2);
}
const numRuns = Number(values.runs);
const until = values.minutes ? Date.now() + Number(values.minutes) * 60_000 : 0;
let failures = 0;

do {
  for (const target of targets) {
    const started = Date.now();
    const result = await runFuzz(target, {
      numRuns,
      ...(values.seed ? { seed: Number(values.seed) } : {}),
      ...(values.path ? { path: values.path } : {}),
    });
    console.log(`${describeFailure(result)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (!result.ok) {
      failures++;
      if (result.input && result.kind !== 'corpus') console.log(`  kept in ${saveToCorpus(target, result.input)}`);
    }
  }
} while (Date.now() < until && !values.seed);

process.exit(failures > 0 ? 1 : 0);

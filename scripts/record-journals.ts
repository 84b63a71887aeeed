// Records real journals for the verdict unit tests: starts a platform, plays jobs with the reference LPS
// (conformant and with faults), and writes what the endpoints recorded (the job's attributable observations,
// the window and the account) to test/fixtures/journals/. Run it again when test/journal-shapes.test.ts says
// the endpoints no longer record what the fixtures hold: node --import tsx scripts/record-journals.ts
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import { startPlatform } from '../src/platform.ts';
import { silentLogger } from '../src/util/log.ts';
import { FIXTURES, fixtureName, PLAYS, recordingVendor, recordPlay } from '../test/helpers/journal-recording.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'motco-record-'));
const config = loadConfig({
  env: {},
  cwd: dataDir,
  overrides: { dataDir, portBase: 31800, runner: { reopenImapDelaySeconds: 1 } },
});
const platform = await startPlatform(config, { log: silentLogger });
try {
  const vendor = await recordingVendor({ platform, config, dataDir });
  mkdirSync(FIXTURES, { recursive: true });
  for (const play of PLAYS) {
    const recording = await recordPlay(platform, vendor, play);
    const file = path.join(FIXTURES, fixtureName(play));
    writeFileSync(file, `${JSON.stringify(recording, null, 1)}\n`);
    console.log(`${path.basename(file)}: ${recording.observations.length} observations`);
  }
} finally {
  await platform.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

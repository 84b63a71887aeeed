// The Ségur referencing campaign: the five global jobs in the manual's order, 32 unit jobs, each played by
// the reference LPS when the runner's log prompts for it — OK at every level.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAMPAIGN_ORDER, findFolder } from '../src/catalogue/jobs.ts';
import { followExecution } from '../src/lps/follow.ts';
import { playJob } from '../src/lps/play.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { vendorWithAccount, type VendorAccount } from './helpers/vendor-lps.ts';

let t: TestPlatform;
let vendor: VendorAccount;

beforeAll(async () => {
  t = await startTestPlatform({ runner: { reopenImapDelaySeconds: 1 } });
  vendor = await vendorWithAccount(t, {
    login: 'dora',
    immatriculation: '55555555500055',
    nil: 'DEV-CAMPAIGN',
    idnatPsc: '810000000999',
    idnatAuthCli: '10555555555',
  });
});

afterAll(async () => {
  await t?.stop();
});

describe('campaign', () => {
  it('runs the five global jobs in order while the LPS follows the prompts: OK', async () => {
    const started = await t.platform.runner.start({
      accountId: vendor.id,
      target: 'campaign',
      delai: 30,
      ip: '127.0.0.1',
      startedBy: 'test',
    });
    if (!started.ok) throw new Error(JSON.stringify(started.errors));
    const played: string[] = [];
    const ended = await followExecution(
      started.execution.id,
      t.platform.executions,
      async (jobId) => {
        played.push(jobId);
        await playJob(jobId, vendor.context);
      },
      { pollMs: 100 },
    );
    expect(ended?.verdict).toBe('OK');
    expect(played).toEqual(CAMPAIGN_ORDER.flatMap((id) => findFolder(id)!.jobs.map((j) => j.id)));

    const folders = await t.platform.executions.list({ parentId: started.execution.id });
    expect(folders.map((f) => [f.targetId, f.verdict]).reverse()).toEqual(CAMPAIGN_ORDER.map((id) => [id, 'OK']));
    const log = (await t.platform.executions.log(started.execution.id)).map((l) => l.text);
    expect(log[0]).toBe(`Début de la campagne de référencement Ségur : ${CAMPAIGN_ORDER.join(', ')}.`);
    expect(log.at(-1)).toBe('Résultat : OK (code retour 0)');
  });
});

// `motco jobs [--json]`: the test catalogue — folders, global jobs and the 34 unit jobs with their ids.
import { FOLDERS } from '../catalogue/jobs.ts';
import { t } from '../i18n/messages.ts';
import { parse, type CommandContext } from './context.ts';

export async function jobs(ctx: CommandContext): Promise<number> {
  const { values } = parse(ctx.args, { json: { type: 'boolean' } }, false);
  if (values.json) {
    const folders = FOLDERS.map((f) => ({
      id: f.id,
      description: f.description,
      global: f.global,
      jobs: f.jobs.map((j) => ({
        id: j.id,
        title: j.title,
        kind: j.kind,
        bal: j.bal,
        protocol: j.protocol,
        endpoint: j.endpoint,
        requirements: j.requirements,
        ipRequired: j.ipRequired,
      })),
    }));
    ctx.out(JSON.stringify({ folders }, null, 2));
    return 0;
  }
  for (const folder of FOLDERS) {
    ctx.out(`${folder.id}${folder.global ? ` (${t('cli.globalJob')})` : ''} — ${folder.description}`);
    for (const job of folder.jobs) ctx.out(`  ${job.id.padEnd(22)} ${job.title}`);
  }
  return 0;
}

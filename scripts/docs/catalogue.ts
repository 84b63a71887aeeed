// docs/reference/catalogue.md: the test catalogue — folders, the campaign, the 34 unit jobs with their literal
// titles, kinds, endpoints and requirements, each job's Attendus as the job page writes them (for the default
// configuration, without an account), and every check with its French label and « Que corriger ».
import { expectations } from '../../src/catalogue/expectations.ts';
import { CAMPAIGN_ORDER, FOLDERS, UNIT_JOBS } from '../../src/catalogue/jobs.ts';
import { VERDICT_KINDS } from '../../src/catalogue/kinds/index.ts';
import type { Config } from '../../src/config/config.ts';
import { allMessages } from '../../src/i18n/messages.ts';
import { anchor, banner, code, page, prose, table } from './markdown.ts';

export function cataloguePage(config: Config): string {
  const messages = allMessages() as Readonly<Record<string, string>>;
  const endpoint = (id: string) => config.endpoints.find((e) => e.id === id);
  const jobHeading = (job: (typeof UNIT_JOBS)[number]) => `${job.title} — ${code(job.id)}`;
  const blocks: string[] = [];

  blocks.push('## Folders and global jobs');
  blocks.push(
    table(
      ['folder', 'description', 'global job', 'unit jobs'],
      FOLDERS.map((f) => [
        code(f.id),
        prose(f.description),
        f.global ? `yes (campaign step ${CAMPAIGN_ORDER.indexOf(f.id) + 1})` : 'no',
        String(f.jobs.length),
      ]),
    ),
  );
  blocks.push(
    `The campaign (${code('campaign')}) runs the global jobs in this order: ` +
      `${CAMPAIGN_ORDER.map(code).join(', ')}. ` +
      `A global job runs its unit jobs in the order listed below; it is OK only when every one is.`,
  );

  blocks.push('## Unit jobs');
  for (const folder of FOLDERS) {
    blocks.push(`### ${code(folder.id)} — ${prose(folder.description)}`);
    blocks.push(
      table(
        ['title', 'id', 'kind', 'BAL', 'endpoint', 'requirements', 'Adresse IP'],
        folder.jobs.map((j) => {
          const e = endpoint(j.endpoint);
          const port = e ? ` (${j.protocol.toUpperCase()} ${j.protocol === 'imap' ? e.imapPort : e.smtpPort})` : '';
          return [
            `[${j.title}](#${anchor(jobHeading(j))})`,
            code(j.id),
            code(j.kind),
            j.bal,
            `${code(j.endpoint)}${port}`,
            j.requirements.join(', '),
            j.ipRequired ? 'required' : 'optional',
          ];
        }),
      ),
    );
  }

  blocks.push('## Kinds');
  blocks.push(
    'A kind is one module of `src/catalogue/kinds/` (registered in `index.ts`): its label, requirements, ' +
      'the endpoints its jobs listen on, the vendor’s instructions, ' +
      'its verdict function and any platform action its window needs. ' +
      'See [adding a verdict kind](../adding-a-verdict-kind.md).',
  );
  blocks.push(
    table(
      ['kind', 'label', 'requirements', 'Adresse IP', 'listens on', 'platform action', 'jobs'],
      Object.entries(VERDICT_KINDS).map(([id, kind]) => {
        const jobs = UNIT_JOBS.filter((j) => j.kind === id);
        const listens = [...new Set(jobs.flatMap((j) => (kind.listensOn ? kind.listensOn(j.endpoint) : [j.endpoint])))];
        return [
          `[${code(id)}](../../src/catalogue/kinds/${id}.ts)`,
          prose(kind.label || '—'),
          kind.requirements.length > 0
            ? kind.requirements.join(', ')
            : [...new Set(jobs.flatMap((j) => j.requirements))].join(', '),
          kind.ipRequired ? 'required' : 'optional',
          listens.map(code).join(', '),
          kind.beforeWindow ? 'yes (armed for the window)' : '—',
          jobs.map((j) => code(j.id)).join(', '),
        ];
      }),
    ),
  );

  blocks.push('## Checks');
  blocks.push(
    'Every check a verdict can report, with its label and the « Que corriger » shown when it ' +
      'fails or is missing (some checks word their own, naming the suite, mailbox or IdNat at fault).',
  );
  const checkIds = Object.keys(messages)
    .filter((k) => k.startsWith('check.'))
    .map((k) => k.slice('check.'.length));
  blocks.push(
    table(
      ['check', 'label', 'Que corriger'],
      checkIds.map((id) => [code(id), prose(messages[`check.${id}`] ?? ''), prose(messages[`fix.${id}`] ?? '')]),
    ),
  );

  blocks.push('## Attendus of each job');
  blocks.push(
    `What the vendor prepares and does for each job, as the job page writes it — ` +
      `here for the default local configuration (host names under ${code(config.baseDomain)}, ` +
      `ports from ${config.portBase}) and without an account, so the mailbox is a placeholder. ` +
      `A deployment’s job page writes its own host names and ports, and the account’s mailboxes.`,
  );
  for (const job of UNIT_JOBS) {
    const a = expectations(job, { config });
    const list = (items: string[]) => items.map((i) => `- ${prose(i)}`).join('\n');
    blocks.push(`### ${jobHeading(job)}`);
    blocks.push(
      `Folder ${code(job.folder)}, kind ${code(job.kind)}, ${job.bal}, ` +
        `${job.protocol.toUpperCase()} on ${code(job.endpoint)}; ` +
        `${job.requirements.join(', ')}; Adresse IP ${job.ipRequired ? 'required' : 'optional'}.`,
    );
    blocks.push(`**Prérequis**\n\n${list(a.prerequisites)}`);
    blocks.push(`**Préparation — au niveau du LPS**\n\n${list(a.preparation.lps)}`);
    blocks.push(`**Préparation — au niveau de l’outil**\n\n${list(a.preparation.runner)}`);
    blocks.push(`**Test**\n\n${list(a.test)}`);
  }

  return page([
    banner([
      'src/catalogue/jobs.ts',
      'src/catalogue/expectations.ts',
      'the check and fix messages of the message catalogue',
    ]),
    '# Test catalogue reference',
    `${UNIT_JOBS.length} unit jobs in ${FOLDERS.length} folders, ` +
      `${FOLDERS.filter((f) => f.global).length} of which run as global jobs, with the manual’s French titles ` +
      `(grep them against the MOTCO2 manual). Ids are stable: ${code('motco run <id>')}, ` +
      `${code('/outil/<account>/jobs/<id>')} and the REST API use them. The [vendor guide](../guide-editeur.md) ` +
      `explains in French how to run them and read their verdicts; ` +
      `[architecture](../architecture.md) how a verdict is reached.`,
    ...blocks,
  ]);
}

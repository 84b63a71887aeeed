// `motco run JOB|FOLDER|campaign --account NIL --ip IP --delai S [--json] [--junit FILE]`: starts an
// execution on the running platform through its API, streams its live log (and each step's, for a global
// job or the campaign), and exits 0 only on OK.
import { writeFile } from 'node:fs/promises';
import { t } from '../i18n/messages.ts';
import { clockTime } from '../i18n/time.ts';
import type { LogLine, Verdict } from '../runner/types.ts';
import { ApiClient, ApiRequestError } from './api-client.ts';
import { configFrom, parse, UsageError, type CommandContext } from './context.ts';
import { escapeHtml } from '../web/html.ts';

interface ExecutionView {
  id: number;
  targetId: string;
  title: string;
  verdict: Verdict | null;
  status: 'running' | 'finished';
  startedAt: number;
  endedAt: number | null;
  checks: { id: string; label: string; outcome: string; detail: string; requirement: string; fix?: string }[];
  children?: ExecutionView[];
}

export async function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(ctx.args, {
    account: { type: 'string' },
    ip: { type: 'string' },
    delai: { type: 'string' },
    json: { type: 'boolean' },
    junit: { type: 'string' },
    url: { type: 'string' },
    token: { type: 'string' },
  });
  const target = positionals[0];
  if (!target) throw new UsageError(t('cli.missingArgument', { name: 'JOB' }));
  if (!values.account) throw new UsageError(t('cli.missingArgument', { name: '--account NIL' }));
  const api = await ApiClient.forConfig(configFrom(values), { url: values.url, token: values.token });

  const { accounts } = await api.request<{ accounts: { id: number; nil: string }[] }>('GET', '/accounts');
  const account = accounts.find((a) => a.nil === values.account);
  if (!account) {
    ctx.err(t('cli.runAccountNotFound', { nil: values.account }));
    return 2;
  }
  let started: ExecutionView;
  try {
    started = await api.request<ExecutionView>('POST', '/executions', {
      account: account.id,
      target,
      ...(values.delai ? { delai: values.delai } : {}),
      ...(values.ip ? { ip: values.ip } : {}),
    });
  } catch (error) {
    if (!(error instanceof ApiRequestError) || error.status >= 500) throw error;
    ctx.err(error.message);
    for (const field of error.body.fields ?? []) ctx.err(`  ${field.field}\u00a0: ${field.message}`);
    return 2;
  }
  // With --json the log goes to stderr, so that stdout holds only the result.
  const print = values.json ? ctx.err : ctx.out;
  print(t('cli.runStarted', { id: started.id, title: started.title }));
  await streamLog(api, started.id, print, '');

  const result = await api.request<ExecutionView>('GET', `/executions/${started.id}`);
  if (values.junit) await writeFile(values.junit, junit(result));
  if (values.json) ctx.out(JSON.stringify(result, null, 2));
  else
    ctx.out(
      t('cli.runResult', {
        id: result.id,
        verdict: result.verdict ? t(`verdict.${result.verdict}`) : '?',
        url: `${api.baseUrl}/api/v1/executions/${result.id}/export.html`,
      }),
    );
  return result.verdict === 'OK' ? 0 : 1;
}

/** Prints an execution's log as it comes; a step's `child.started` event is followed into that execution. */
async function streamLog(api: ApiClient, id: number, print: (text: string) => void, indent: string): Promise<void> {
  const children: Promise<void>[] = [];
  for await (const event of api.events(`/executions/${id}/events`)) {
    if (event.event !== 'log') continue;
    const line = JSON.parse(event.data) as LogLine;
    print(`${indent}${time(line.at)} ${line.text}`);
    if (line.event?.type === 'child.started')
      children.push(streamLog(api, line.event.executionId, print, `${indent}  │ `));
  }
  await Promise.all(children);
}

function time(at: number): string {
  return clockTime(at);
}

/** JUnit XML: one test case per unit job, failures naming the failed checks (for CI systems). */
export function junit(execution: ExecutionView): string {
  const units = flatten(execution);
  const failures = units.filter((u) => u.verdict !== 'OK');
  const cases = units.map((u) => {
    const seconds = ((u.endedAt ?? u.startedAt) - u.startedAt) / 1000;
    const failed = u.checks.filter((c) => c.outcome === 'fail' || c.outcome === 'missing');
    const lines = failed.map(
      (c) => `${c.label} — ${c.detail} (${c.requirement})${c.fix ? `\n  ${t('export.fix')}\u00a0: ${c.fix}` : ''}`,
    );
    const failure =
      u.verdict === 'OK'
        ? ''
        : `\n      <failure message="${escapeHtml(u.verdict ?? 'inconnu')}">${escapeHtml(lines.join('\n'))}</failure>`;
    const classname = `motco.${escapeHtml(execution.targetId)}`;
    const name = `${escapeHtml(u.title)} [${escapeHtml(u.targetId)}] #${u.id}`;
    const time = seconds.toFixed(3);
    return `    <testcase classname="${classname}" name="${name}" time="${time}">${failure}\n    </testcase>`;
  });
  const suite = `${escapeHtml(execution.title)} #${execution.id}`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="${suite}" tests="${units.length}" failures="${failures.length}">
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}

function flatten(execution: ExecutionView): ExecutionView[] {
  return execution.children && execution.children.length > 0 ? execution.children.flatMap(flatten) : [execution];
}

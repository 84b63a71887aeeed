// `motco start`: runs the platform until SIGINT/SIGTERM and prints where everything is — in this process
// (`workers` 1), or on several worker processes (workers.ts).
import os from 'node:os';
import type { Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';
import { endpointTable } from '../mail/endpoints.ts';
import { configFrom, parse, type CommandContext } from './context.ts';
import { runPrimary, runWorker, workerRole } from './workers.ts';

export async function start(ctx: CommandContext): Promise<number> {
  const { values } = parse(ctx.args, { workers: { type: 'string' } }, false);
  const config = configFrom(values, { workers: values.workers });
  const role = workerRole();
  if (role) return runWorker(config, role);
  const workers = config.workers ?? os.availableParallelism();
  if (workers > 1)
    return runPrimary(config, workers, { ready: (location) => started(ctx, config, location), err: ctx.err });

  const { startPlatform } = await import('../platform.ts');
  const platform = await startPlatform(config);
  started(ctx, config, platform.store.location);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  ctx.err(t('cli.stopping'));
  await platform.stop();
  return 0;
}

function started(ctx: CommandContext, config: Config, location: string): void {
  ctx.out(t('cli.started'));
  ctx.out(t('cli.dataFolder', { dir: config.dataDir }));
  ctx.out(t('cli.database', { location }));
  ctx.out(t('cli.webBase', { url: config.publicUrl }));
  ctx.out(t('cli.mailDomain', { domain: config.mailDomain, patient: config.patientDomain }));
  ctx.out('');
  ctx.out(endpointTable(config));
}

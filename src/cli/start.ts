// `motco start`: runs the platform until SIGINT/SIGTERM and prints where everything is.
import { t } from '../i18n/messages.ts';
import { endpointTable } from '../mail/endpoints.ts';
import { startPlatform } from '../platform.ts';
import { configFrom, parse, type CommandContext } from './context.ts';

export async function start(ctx: CommandContext): Promise<number> {
  const { values } = parse(ctx.args, {}, false);
  const config = configFrom(values);
  const platform = await startPlatform(config);
  ctx.out(t('cli.started'));
  ctx.out(t('cli.dataFolder', { dir: config.dataDir }));
  ctx.out(t('cli.database', { location: platform.store.location }));
  ctx.out(t('cli.webBase', { url: config.publicUrl }));
  ctx.out(t('cli.mailDomain', { domain: config.mailDomain, patient: config.patientDomain }));
  ctx.out('');
  ctx.out(endpointTable(config));

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  ctx.err(t('cli.stopping'));
  await platform.stop();
  return 0;
}

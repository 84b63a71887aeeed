// `motco endpoints [--json]`: the endpoint table, from the configuration alone (the platform need not run).
import { endpointListing, endpointTable } from '../mail/endpoints.ts';
import { configFrom, parse, type CommandContext } from './context.ts';

export async function endpoints(ctx: CommandContext): Promise<number> {
  const { values } = parse(ctx.args, { json: { type: 'boolean' } }, false);
  const config = configFrom(values);
  ctx.out(values.json ? JSON.stringify(endpointListing(config), null, 2) : endpointTable(config));
  return 0;
}

// `motco journal`: prints observations, optionally following new ones as the running platform records them.
import { formatObservation } from '../observe/format.ts';
import { Journal, type ObservationFilter, type ObservationKind, type Observation } from '../observe/journal.ts';
import { openStore } from '../store/store.ts';
import { configFrom, parse, UsageError, type CommandContext } from './context.ts';

export async function journal(ctx: CommandContext): Promise<number> {
  const { values } = parse(
    ctx.args,
    {
      follow: { type: 'boolean', short: 'f' },
      json: { type: 'boolean' },
      mailbox: { type: 'string' },
      ip: { type: 'string' },
      endpoint: { type: 'string' },
      session: { type: 'string' },
      kind: { type: 'string', multiple: true },
      since: { type: 'string' },
      until: { type: 'string' },
      limit: { type: 'string' },
    },
    false,
  );
  const config = configFrom(values);
  const filter: ObservationFilter = {};
  if (values.mailbox) filter.mailbox = values.mailbox;
  if (values.ip) filter.clientIp = values.ip;
  if (values.endpoint) filter.endpoint = values.endpoint;
  if (values.session) filter.sessionId = values.session;
  if (values.kind) filter.kind = values.kind as ObservationKind[];
  if (values.since) filter.since = parseTime(values.since, '--since');
  if (values.until) filter.until = parseTime(values.until, '--until');
  const limit = values.limit ? Number(values.limit) : 200;
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit ${values.limit}`);

  const store = await openStore(config);
  const print = (o: Observation) => ctx.out(values.json ? JSON.stringify(o) : formatObservation(o));
  try {
    const journal = new Journal(store.db);
    const past = await journal.tail(filter, limit);
    past.forEach(print);
    if (!values.follow) return 0;
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    process.once('SIGTERM', () => controller.abort());
    await journal.follow({ ...filter, afterId: past.at(-1)?.id ?? (await journal.lastId()) }, print, {
      signal: controller.signal,
    });
    return 0;
  } finally {
    await store.close();
  }
}

/** An ISO date, or a duration back from now: 30s, 10m, 2h, 1d. */
function parseTime(text: string, option: string): number {
  const relative = /^(\d+)([smhd])$/.exec(text);
  if (relative)
    return (
      Date.now() - Number(relative[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[relative[2] as 's' | 'm' | 'h' | 'd']
    );
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new UsageError(`${option} ${text}`);
  return at;
}

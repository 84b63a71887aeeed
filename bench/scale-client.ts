// Holds many authenticated IMAP sessions for the scale scenario (bench/scale.ts), in its own process so that its
// TLS work does not share the bench's event loop. Opens `sessions` (STARTTLS, AUTHENTICATE PLAIN, SELECT INBOX),
// `concurrency` at a time, spread over several client addresses (the per-address connection limits stay as
// configured), and prints one JSON line; then runs `rounds` rounds of one NOOP per session, each round's NOOPs
// spread evenly over `spreadMs`, and prints their latencies; then holds the sessions until its stdin closes.
import { open, type Connection, type Target } from './imap-client.ts';

export interface ScaleClientOptions extends Target {
  sessions: number;
  concurrency: number;
  /** Client source addresses, used in turn. */
  sources: string[];
  rounds: number;
  spreadMs: number;
}

export type ScaleClientLine =
  | { opened: number; failures: number; firstError: string | null; openMs: number }
  | { noopMs: number[]; noopFailures: number; firstError: string | null };

const options = JSON.parse(process.argv[2] ?? '{}') as ScaleClientOptions;
const say = (line: ScaleClientLine) => process.stdout.write(`${JSON.stringify(line)}\n`);

const connections: Connection[] = [];
let failures = 0;
let firstError: string | null = null;
let next = 0;
const begin = performance.now();
await Promise.all(
  Array.from({ length: options.concurrency }, async () => {
    while (next < options.sessions) {
      const index = next++;
      try {
        const connection = await open({ ...options, localAddress: options.sources[index % options.sources.length] });
        await connection.command('s', 'SELECT INBOX');
        connections.push(connection);
      } catch (error) {
        failures++;
        firstError ??= (error as Error).message;
      }
    }
  }),
);
say({ opened: connections.length, failures, firstError, openMs: performance.now() - begin });

const noopMs: number[] = [];
let noopFailures = 0;
let noopError: string | null = null;
for (let round = 0; round < options.rounds; round++) {
  const gap = options.spreadMs / Math.max(1, connections.length);
  await Promise.all(
    connections.map(async (connection, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * gap));
      const sent = performance.now();
      try {
        await connection.command(`n${round}`, 'NOOP');
        noopMs.push(performance.now() - sent);
      } catch (error) {
        noopFailures++;
        noopError ??= (error as Error).message;
      }
    }),
  );
}
say({ noopMs, noopFailures, firstError: noopError });

// Held until the bench has read the memory with every session open.
process.stdin.resume();
process.stdin.on('end', () => {
  for (const connection of connections) connection.close();
  process.exit(0);
});

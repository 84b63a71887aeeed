// docs/reference/journal.md: every kind of observation the journal keeps and the fields of its data, from the
// zod schema of each kind (src/observe/facts.ts: journalKinds()), descriptions included.
import { journalKinds } from '../../src/observe/facts.ts';
import { fieldRows, objectVariants, type Schema } from './json-schema.ts';
import { banner, code, page, prose, table } from './markdown.ts';

/** The envelope every observation has, whatever its kind (src/observe/journal.ts, ObservationEnvelope). */
const ENVELOPE: [string, string, string][] = [
  ['id', 'integer', 'Increasing number of the fact in the journal; verdicts and evidence cite observations by it.'],
  ['at', 'integer', 'When it was recorded, in milliseconds since the epoch.'],
  ['kind', 'string', 'One of the kinds below; it says what `data` holds.'],
  [
    'endpoint',
    'string or null',
    'The endpoint id (`org`, `psc-revoq`…) of a mail session; null for the web and DNS services’ facts.',
  ],
  ['protocol', '`smtp` | `imap` | `http` | `dns` or null', 'The protocol the fact was seen on.'],
  [
    'sessionId',
    'string or null',
    'The mail session the fact belongs to; null outside sessions (refused connections, HTTP, DNS).',
  ],
  ['clientIp', 'string or null', 'The client’s address, as the job’s Adresse IP is compared to it.'],
  ['clientPort', 'integer or null', 'The client’s port.'],
  [
    'mailbox',
    'string or null',
    'The mailbox the session authenticated as, on every fact recorded after a successful authentication.',
  ],
  ['data', 'object', 'The fact itself, shaped by its kind (below).'],
];

export function journalPage(): string {
  const kinds = journalKinds();
  const blocks: string[] = [];
  for (const k of kinds) {
    blocks.push(`## ${code(k.kind)}`);
    if (k.description) blocks.push(prose(k.description));
    for (const variant of objectVariants(k.jsonSchema as Schema)) {
      if (variant.label) blocks.push(variant.label);
      const rows = fieldRows(variant.schema);
      blocks.push(rows.length > 0 ? table(['field', 'type', 'always', 'description'], rows) : 'No data fields.');
    }
  }
  return page([
    banner(['the zod schema of each kind of fact in src/observe/facts.ts']),
    '# Observation journal reference',
    'The endpoints, the autoconfiguration services and the PKI record what clients do as facts ' +
      'in an append-only journal; verdicts read nothing else. Each kind’s data is checked against ' +
      'its schema when it is written (a mismatch is logged as a programming error and the fact kept). ' +
      'Passwords and tokens are never recorded: authentications keep a summary (length, ' +
      'hash prefix, JWT header and selected claims). Read the journal with `motco journal` (see ' +
      'the [command-line reference](cli.md#motco-journal)) or `GET /api/v1/journal` (see the [REST ' +
      'API reference](rest-api.md)); evidence exports include the observations a verdict used.',
    'Every observation has:',
    table(
      ['field', 'type', 'description'],
      ENVELOPE.map(([name, type, description]) => [code(name), type, description]),
    ),
    `${kinds.length} kinds: ${kinds.map((k) => `[${code(k.kind)}](#${k.kind.replace(/\./g, '')})`).join(', ')}.`,
    ...blocks,
  ]);
}

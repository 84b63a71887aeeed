// Fuzz targets: each code path that reads what a client sends, the inputs it gets (fuzz-inputs.ts), and the
// outcomes it may end in — a parsed value or the protocol error its callers turn into a reply. Anything else
// (another exception, a malformed value) is thrown as a failure; the runner (fuzz.ts) adds the time bound.
import { isIP } from 'node:net';
import { PassThrough } from 'node:stream';
import type fc from 'fast-check';
import { LineReader } from '../../src/mail/line-reader.ts';
import { contentFacts } from '../../src/mail/message/attachments.ts';
import { bodyOffset, parseHeaderFields } from '../../src/mail/message/headers.ts';
import {
  decodedBody,
  decodeEncodedWords,
  leafParts,
  parseMime,
  parseParameterHeader,
  partText,
  type MimePart,
} from '../../src/mail/message/mime.ts';
import { envelope } from '../../src/mail/imap/envelope.ts';
import { bodyStructure, sectionContent } from '../../src/mail/imap/fetch.ts';
import { DEFAULT_MAX_NESTING_DEPTH, parseCommand, type Token } from '../../src/mail/imap/parser.ts';
import { encode } from '../../src/mail/imap/wire.ts';
import {
  decodeBase64,
  exposedCredentials,
  isKnownMechanism,
  KNOWN_MECHANISMS,
  parseOauthBearer,
  parsePlain,
  parseXoauth2,
  SaslExchange,
  type SaslStep,
} from '../../src/mail/sasl/mechanisms.ts';
import { parseCommandLine } from '../../src/mail/smtp/command.ts';
import { parsePath } from '../../src/mail/smtp/envelope.ts';
import { MAX_V1_BYTES, MAX_V2_BYTES, parseProxyHeader } from '../../src/net/proxy-protocol.ts';
import {
  imapCommands,
  messages as messageInputs,
  proxyHeaders,
  saslExchanges,
  smtpLines,
  streams,
} from './fuzz-inputs.ts';

export interface FuzzTarget {
  /** Also the folder of its corpus, test/fixtures/fuzz-corpus/<name>. */
  name: string;
  arbitrary: fc.Arbitrary<Buffer>;
  /** Runs one input; throws (saying why) when the outcome is neither a value nor a documented protocol error. */
  run(input: Buffer): void | Promise<void>;
  /** Once per worker, before any input; `scratch` is a folder the runner removes afterwards. */
  setup?(scratch: string): Promise<void>;
  teardown?(): Promise<void>;
}

export class UnexpectedOutcome extends Error {}

export function expect(condition: unknown, what: string): asserts condition {
  if (!condition) throw new UnexpectedOutcome(what);
}

/** Runs `fn`; an exception other than the allowed protocol errors is a failure. */
export async function allowing<T>(
  allowed: (error: unknown) => boolean,
  fn: () => T | Promise<T>,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof UnexpectedOutcome || !allowed(error)) throw error;
    return undefined;
  }
}

/** The input cut at LFs (a CR before one dropped) into at most `max` lines, the last one keeping the rest. */
const lines = (input: Buffer, max = Infinity): Buffer[] => {
  const out: Buffer[] = [];
  for (let start = 0; start <= input.length; ) {
    const lf = out.length + 1 < max ? input.indexOf(0x0a, start) : -1;
    const end = lf < 0 ? input.length : lf;
    out.push(input.subarray(start, end > start && input[end - 1] === 0x0d ? end - 1 : end));
    start = end + 1;
  }
  return out;
};

// IMAP: the command parser.

function checkTokens(tokens: Token[], depth: number): void {
  expect(Array.isArray(tokens), 'tokens are not an array');
  for (const token of tokens) {
    if (token.type === 'list') {
      expect(depth < DEFAULT_MAX_NESTING_DEPTH, `lists nested deeper than ${DEFAULT_MAX_NESTING_DEPTH}`);
      checkTokens(token.items, depth + 1);
    } else if (token.type === 'atom') {
      expect(typeof token.value === 'string' && token.raw.length > 0, 'empty atom');
      if (token.section) {
        expect(depth < DEFAULT_MAX_NESTING_DEPTH, `sections nested deeper than ${DEFAULT_MAX_NESTING_DEPTH}`);
        checkTokens(token.section, depth + 1);
      }
    } else {
      expect(token.type === 'string' && Buffer.isBuffer(token.value), `unknown token ${JSON.stringify(token)}`);
    }
  }
}

const imapCommand: FuzzTarget = {
  name: 'imap-command',
  arbitrary: imapCommands,
  run(input) {
    const result = parseCommand(input);
    if (result.ok) {
      expect(
        result.command.tag.length > 0 && /^[A-Z][A-Z0-9-]*( [A-Z][A-Z0-9-]*)?$/.test(result.command.name),
        'malformed command',
      );
      checkTokens(result.command.args, 0);
    } else {
      expect(
        typeof result.error === 'string' && result.error.length > 0 && !/[\r\n]/.test(result.error),
        `bad error text ${JSON.stringify(result.error)}`,
      );
    }
  },
};

// SMTP: command lines, MAIL/RCPT paths and the AUTH arguments, as SmtpSession reads them.

const smtpCommand: FuzzTarget = {
  name: 'smtp-command',
  arbitrary: smtpLines,
  run(input) {
    for (const line of lines(input, 17).slice(0, 16)) {
      const command = parseCommandLine({ text: line, tooLong: false });
      if (!command.ok) {
        expect(command.code === 500 && /^[\x20-\x7e]+$/.test(command.text), 'malformed refusal');
        continue;
      }
      expect(/^[A-Z]{1,16}$/.test(command.verb), `bad verb ${command.verb}`);
      if (command.verb === 'MAIL' || command.verb === 'RCPT') {
        const parsed = parsePath(command.args, command.verb === 'MAIL' ? 'FROM' : 'TO');
        if ('error' in parsed) expect(typeof parsed.error === 'string', 'bad error');
        else
          expect(
            typeof parsed.address === 'string' && parsed.params instanceof Map && !/[\r\n]/.test(parsed.address),
            'bad path',
          );
      } else if (command.verb === 'AUTH') {
        const [mechanism = '', initial] = command.args.trim().split(/\s+/);
        exposedCredentials(mechanism.toUpperCase(), initial);
        if (isKnownMechanism(mechanism.toUpperCase()))
          checkStep(new SaslExchange(mechanism.toUpperCase() as never).start(initial));
      }
    }
  },
};

// SASL: every mechanism's exchange, and the decoders on their own.

function checkStep(step: SaslStep): void {
  if (step.kind === 'challenge')
    expect(typeof step.challenge === 'string' && /^[A-Za-z0-9+/=]*$/.test(step.challenge), 'bad challenge');
  else if (step.kind === 'error')
    expect(['malformed', 'cancelled'].includes(step.reason) && typeof step.detail === 'string', 'bad error step');
  else
    expect(
      step.kind === 'done' && typeof step.credentials.user === 'string' && typeof step.credentials.authzid === 'string',
      `bad step ${JSON.stringify(step)}`,
    );
}

const sasl: FuzzTarget = {
  name: 'sasl',
  arbitrary: saslExchanges,
  run(input) {
    const choice = input[0] ?? 0;
    const mechanism = KNOWN_MECHANISMS[choice % KNOWN_MECHANISMS.length]!;
    // A few client lines: each is a protocol round trip (a huge input makes huge lines, not a million rounds).
    const responses = lines(input.subarray(1), 7)
      .slice(0, 6)
      .map((l) => l.toString('utf8'));
    const exchange = new SaslExchange(mechanism);
    let step = exchange.start(choice & 0x80 ? responses.shift() : undefined);
    let answered = 0;
    for (checkStep(step); step.kind === 'challenge' && responses.length > 0; checkStep(step)) {
      step = exchange.respond(responses.shift()!);
      // Every mechanism ends within two client responses: a session cannot be kept challenging forever.
      expect(
        ++answered <= 2 || step.kind !== 'challenge',
        `${mechanism} still challenging after ${answered} responses`,
      );
    }
    for (const response of responses) {
      exposedCredentials(mechanism, response);
      const decoded = decodeBase64(response);
      expect(decoded === undefined || Buffer.isBuffer(decoded), 'decodeBase64 returned something else');
      const text = (decoded ?? Buffer.from(response)).toString('utf8');
      for (const result of [parsePlain(text), parseXoauth2(text), parseOauthBearer(text)]) {
        expect(
          'error' in result
            ? typeof result.error === 'string'
            : typeof result.user === 'string' && typeof result.authzid === 'string',
          `bad decoder result ${JSON.stringify(result)}`,
        );
      }
    }
  },
};

// Messages: the MIME tree, header fields, decoders, ENVELOPE/BODYSTRUCTURE and the facts recorded for a submission.

function checkPart(part: MimePart, size: number, depth: number): void {
  expect(
    0 <= part.start && part.start <= part.bodyStart && part.bodyStart <= part.end && part.end <= size,
    `bad offsets ${part.start} ${part.bodyStart} ${part.end}`,
  );
  expect(depth <= 64, 'MIME tree deeper than its limit');
  for (const child of part.parts) checkPart(child, size, depth + 1);
  if (part.message) checkPart(part.message, size, depth + 1);
}

const message: FuzzTarget = {
  name: 'message',
  arbitrary: messageInputs,
  run(input) {
    expect(bodyOffset(input) <= input.length, 'body offset beyond the message');
    for (const field of parseHeaderFields(input)) {
      decodeEncodedWords(field.value);
      parseParameterHeader(field.value);
    }
    const root = parseMime(input);
    checkPart(root, input.length, 0);
    for (const part of leafParts(root)) {
      decodedBody(input, part);
      partText(input, part);
    }
    encode(envelope(root.headers));
    encode(bodyStructure(root, true));
    for (const text of [undefined, 'HEADER', 'TEXT', 'MIME', 'HEADER.FIELDS'] as const)
      sectionContent(input, root, { path: [1, 1], text, fields: ['FROM'] });
    contentFacts(input, root);
  },
};

// The line reader: lines, literals and DATA read off a stream that arrives in chunks.

const lineReader: FuzzTarget = {
  name: 'line-reader',
  arbitrary: streams,
  async run(input) {
    const pattern = input[0] ?? 0;
    const data = input.subarray(2);
    // At most ~2000 writes: a PassThrough takes many small synchronous writes in quadratic time (the harness's cost,
    // not the reader's).
    const chunk = Math.max(1, input[1] ?? 1, Math.ceil(data.length / 2000));
    const stream = new PassThrough();
    const reader = new LineReader(stream);
    for (let at = 0; at < data.length; at += chunk) stream.write(data.subarray(at, at + chunk));
    stream.end();
    let read = 0;
    for (let step = 0; ; step++) {
      const kind = (pattern >> (2 * (step % 4))) & 3;
      if (kind === 0 || kind === 3) {
        const line = await reader.readLine(kind === 0 ? 16 + (pattern % 64) : 4096);
        if (!line) break;
        expect(!line.text.includes(0x0a) && (line.tooLong ? line.text.length === 0 : true), 'bad line');
        read += line.text.length;
      } else if (kind === 1) {
        const count = (pattern * 7 + step) % 300;
        const bytes = await reader.readBytes(count);
        if (!bytes) break;
        expect(bytes.length === count, `readBytes(${count}) gave ${bytes.length}`);
        read += count;
      } else {
        const dot = await reader.readDotData(200 + pattern, 64);
        if (!dot) break;
        expect(dot.data === undefined || dot.data.length <= 200 + pattern, 'DATA over its limit kept');
      }
      expect(read <= data.length, 'read more than was sent');
    }
  },
};

// The PROXY protocol header a load balancer sends first: a header, "need more" or an error, never a read past it.

const proxyHeader: FuzzTarget = {
  name: 'proxy-header',
  arbitrary: proxyHeaders,
  run(input) {
    const parsed = parseProxyHeader(input);
    expect(['header', 'incomplete', 'invalid'].includes(parsed.kind), `unknown outcome ${JSON.stringify(parsed)}`);
    if (parsed.kind === 'incomplete') expect(input.length < MAX_V2_BYTES, `need more after ${input.length} bytes`);
    if (parsed.kind !== 'header') return;
    const { length, header } = parsed;
    expect(
      length > 0 && length <= input.length && length <= (header.version === 1 ? MAX_V1_BYTES : MAX_V2_BYTES),
      `header length ${length}`,
    );
    // The header alone is the same header; any prefix of it is "need more"; what follows is left as it was.
    const alone = parseProxyHeader(input.subarray(0, length));
    expect(
      alone.kind === 'header' && alone.length === length && JSON.stringify(alone.header) === JSON.stringify(header),
      'header depends on the bytes after it',
    );
    for (const cut of [0, 1, length >> 1, length - 1])
      expect(
        parseProxyHeader(input.subarray(0, cut)).kind === 'incomplete',
        `prefix of ${cut} bytes is not "need more"`,
      );
    for (const side of [header.source, header.destination]) {
      if (side)
        expect(
          isIP(side.address) !== 0 && side.port >= 0 && side.port <= 65535,
          `bad endpoint ${JSON.stringify(side)}`,
        );
    }
  },
};

const TARGETS: Record<string, () => Promise<FuzzTarget>> = {
  'imap-command': async () => imapCommand,
  // Loaded only when run: it needs the store and its database drivers, slow to load in a fresh worker.
  'imap-handlers': async () => (await import('./fuzz-imap-handlers.ts')).imapHandlers,
  'smtp-command': async () => smtpCommand,
  sasl: async () => sasl,
  message: async () => message,
  'line-reader': async () => lineReader,
  'proxy-header': async () => proxyHeader,
};

export const TARGET_NAMES = Object.keys(TARGETS);

export function loadTarget(name: string): Promise<FuzzTarget> {
  const load = TARGETS[name];
  if (!load) throw new Error(`unknown fuzz target ${name} (known: ${TARGET_NAMES.join(', ')})`);
  return load();
}

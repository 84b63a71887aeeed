// The platform's IMAP client (RFC 3501 with STARTTLS, SASL-IR), used by the reference LPS: tagged commands
// chosen by the play, each exchange reported to it as it happens, and a way to wait for the server's * BYE.
import { t } from '../../i18n/messages.ts';
import {
  LineConnection,
  type ConnectOptions,
  type Exchange,
  type Target,
  type TlsChoice,
  type Upgrade,
} from './connection.ts';
import type { SaslRequest } from './sasl.ts';

export interface ImapResponse {
  tag: string;
  status: 'OK' | 'NO' | 'BAD';
  text: string;
  untagged: string[];
}

export interface ImapFolder {
  name: string;
  flags: string[];
}

function imapResponseText(response: ImapResponse | null): string {
  return response ? `${response.status} ${response.text}`.trim() : t('lps.shown.closed');
}

const LITERAL = /\{(\d+)\+?\}$/;

export class ImapClient {
  private counter = 0;
  /** The last untagged BYE the server sent, if any. */
  bye: string | null = null;

  private constructor(
    readonly connection: LineConnection,
    private readonly exchange: Exchange,
  ) {}

  static async connect(
    target: Target,
    options: ConnectOptions,
  ): Promise<{ client: ImapClient; greeting: string | null }> {
    const connection = await LineConnection.open(target, options);
    options.onOpen(connection.localPort);
    const client = new ImapClient(connection, options.exchange);
    const greeting = await client.readResponseLine();
    options.exchange('', greeting ?? t('lps.shown.closed'), greeting?.startsWith('* OK') ?? false);
    return { client, greeting };
  }

  /** One response line with its literals inline; null once the server closed. */
  private async readResponseLine(timeoutMs?: number): Promise<string | null> {
    let line = await this.connection.readLine(timeoutMs);
    if (line === null) return null;
    for (let literal = LITERAL.exec(line); literal; literal = LITERAL.exec(line)) {
      const bytes = await this.connection.readBytes(Number(literal[1]));
      const rest = await this.connection.readLine(timeoutMs);
      if (bytes === null || rest === null) return null;
      line = `${line.slice(0, literal.index)}"${bytes.toString('utf8')}"${rest}`;
    }
    if (/^\* BYE\b/i.test(line)) this.bye = line;
    return line;
  }

  private nextTag(): string {
    return `a${++this.counter}`;
  }

  /** Sends `<tag> <text>` and reads to its tagged answer; `respond` answers continuation requests. */
  async command(
    text: string,
    shown: string = text,
    respond?: (challenge: string) => { line: string; shown: string },
  ): Promise<ImapResponse | null> {
    const tag = this.nextTag();
    this.connection.write(`${tag} ${text}\r\n`);
    const untagged: string[] = [];
    let sent = `${tag} ${shown}`;
    for (;;) {
      const line = await this.readResponseLine();
      if (line === null) {
        this.exchange(sent, this.bye ?? t('lps.shown.closed'), false);
        return null;
      }
      if (line.startsWith('+')) {
        const answer = respond?.(line.slice(1).trim()) ?? { line: '*', shown: '*' };
        this.connection.write(`${answer.line}\r\n`);
        this.exchange(sent, line, true);
        sent = answer.shown;
        continue;
      }
      if (line.startsWith('* ')) {
        untagged.push(line.slice(2));
        continue;
      }
      const match = /^(\S+) (OK|NO|BAD)\b ?(.*)$/i.exec(line);
      if (!match || match[1] !== tag) continue;
      const response: ImapResponse = {
        tag,
        status: match[2]!.toUpperCase() as ImapResponse['status'],
        text: match[3] ?? '',
        untagged,
      };
      this.exchange(sent, imapResponseText(response), response.status === 'OK');
      return response;
    }
  }

  /** RFC 3501 §6.2.1: what was learnt before TLS is forgotten, so the client asks again. */
  async capability(): Promise<ImapResponse | null> {
    return this.command('CAPABILITY');
  }

  async startTls(host: string, choice: TlsChoice): Promise<Upgrade> {
    const response = await this.command('STARTTLS');
    if (response?.status !== 'OK') return { ok: false, code: 'STARTTLS_REFUSED', error: imapResponseText(response) };
    return this.connection.upgrade(host, choice);
  }

  /** AUTHENTICATE with SASL-IR when the request has one; an error challenge gets an empty line. */
  async authenticate(request: SaslRequest): Promise<ImapResponse | null> {
    const pending = [...request.responses];
    const initial = request.initialResponse ? pending.shift() : undefined;
    const text = `AUTHENTICATE ${request.mechanism}${initial ? ` ${initial}` : ''}`;
    const shown = `AUTHENTICATE ${request.mechanism}${initial ? ` ${t('lps.shown.initialResponse')}` : ''}`;
    return this.command(text, shown, () => {
      const next = pending.shift();
      return next === undefined
        ? { line: '', shown: t('lps.shown.emptyLine') }
        : { line: next, shown: t('lps.shown.saslResponse') };
    });
  }

  async login(user: string, password: string): Promise<ImapResponse | null> {
    return this.command(
      `LOGIN ${quoted(user)} ${quoted(password)}`,
      `LOGIN ${quoted(user)} ${t('lps.shown.password')}`,
    );
  }

  async list(): Promise<ImapFolder[]> {
    const response = await this.command('LIST "" "*"');
    return (response?.untagged ?? []).flatMap((line) => {
      const match = /^LIST \(([^)]*)\) (?:"(?:[^"\\]|\\.)*"|NIL) (.+)$/i.exec(line);
      return match ? [{ name: unquoted(match[2]!), flags: match[1]!.split(' ').filter(Boolean) }] : [];
    });
  }

  async select(folder: string): Promise<ImapResponse | null> {
    return this.command(`SELECT ${quoted(folder)}`);
  }

  async logout(): Promise<void> {
    await this.command('LOGOUT');
    await this.connection.end();
  }

  /** Keeps the session open (a folder selected) until the server says BYE and closes, or the time is up. */
  async awaitServerClose(timeoutMs: number): Promise<{ closed: boolean; bye: string | null }> {
    try {
      for (;;) {
        const line = await this.readResponseLine(timeoutMs);
        if (line === null) return { closed: true, bye: this.bye };
      }
    } catch {
      return { closed: false, bye: null };
    }
  }
}

function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function unquoted(value: string): string {
  return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}

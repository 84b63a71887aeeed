// A minimal SMTP client for the platform's own mail (ISC code e-mails, vendors' messages to the agency) when a
// relay is configured (outgoingMail, isc.smtp): EHLO, STARTTLS (required unless told otherwise), AUTH PLAIN
// when credentials are set, one message, QUIT.
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config.ts';

export type RelaySettings = NonNullable<Config['outgoingMail']>;

const TIMEOUT_MS = 20_000;

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Where answers go (the vendor writing to the agency); a bare address. */
  replyTo?: string;
}

export async function sendThroughRelay(relay: RelaySettings, mail: OutgoingMail): Promise<void> {
  let socket: net.Socket = net.connect({ host: relay.host, port: relay.port });
  socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error('SMTP relay timed out')));
  let replies = replyReader(socket);
  try {
    await expect(replies, 220);
    const ehlo = async () => {
      socket.write(`EHLO ${os.hostname() || 'motco'}\r\n`);
      return (await expect(replies, 250)).lines.map((l) => l.toUpperCase());
    };
    let extensions = await ehlo();
    if (extensions.some((e) => e.startsWith('STARTTLS'))) {
      socket.write('STARTTLS\r\n');
      await expect(replies, 220);
      replies.detach();
      const ca = relay.caFile ? await readFile(relay.caFile) : undefined;
      const secured = tls.connect({
        socket,
        servername: net.isIP(relay.host) ? undefined : relay.host,
        host: relay.host,
        ...(ca ? { ca } : {}),
        minVersion: 'TLSv1.2',
      });
      await new Promise<void>((resolve, reject) => secured.once('secureConnect', resolve).once('error', reject));
      socket = secured;
      socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error('SMTP relay timed out')));
      replies = replyReader(socket);
      extensions = await ehlo();
    } else if (relay.requireTls) {
      throw new Error('the SMTP relay does not offer STARTTLS');
    }
    if (relay.user && relay.password) {
      socket.write(`AUTH PLAIN ${Buffer.from(`\0${relay.user}\0${relay.password}`).toString('base64')}\r\n`);
      await expect(replies, 235);
    }
    socket.write(`MAIL FROM:<${relay.from}>\r\n`);
    await expect(replies, 250);
    socket.write(`RCPT TO:<${mail.to}>\r\n`);
    await expect(replies, 250, 251);
    socket.write('DATA\r\n');
    await expect(replies, 354);
    socket.write(message(relay.from, mail));
    await expect(replies, 250);
    socket.write('QUIT\r\n');
  } finally {
    socket.end();
  }
}

function message(from: string, mail: OutgoingMail): string {
  const body = Buffer.from(mail.text.replace(/\r?\n/g, '\r\n'), 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  const headers = [
    `From: ${from}`,
    `To: ${mail.to}`,
    ...(mail.replyTo ? [`Reply-To: ${mail.replyTo}`] : []),
    `Subject: =?UTF-8?B?${Buffer.from(mail.subject, 'utf8').toString('base64')}?=`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomUUID()}@motco>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body}\r\n.\r\n`;
}

interface Reply {
  code: number;
  lines: string[];
}

/** Collects complete (possibly multi-line) replies from a socket, one per `next()`. */
function replyReader(socket: net.Socket) {
  let buffer = '';
  let current: string[] = [];
  const ready: Reply[] = [];
  const waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  let failure: Error | undefined;
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let end: number;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      current.push(line.slice(4));
      if (line[3] !== '-') {
        const reply = { code: Number(line.slice(0, 3)), lines: current };
        current = [];
        const waiter = waiting.shift();
        if (waiter) waiter.resolve(reply);
        else ready.push(reply);
      }
    }
  };
  const onEnd = (error?: Error) => {
    failure = error ?? new Error('SMTP relay closed the connection');
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  const onError = (error: Error) => onEnd(error);
  const onClose = () => onEnd();
  socket.on('data', onData).on('error', onError).on('close', onClose);
  return {
    next: () =>
      ready.length
        ? Promise.resolve(ready.shift()!)
        : failure
          ? Promise.reject(failure)
          : new Promise<Reply>((resolve, reject) => waiting.push({ resolve, reject })),
    detach: () => socket.off('data', onData).off('error', onError).off('close', onClose),
  };
}

async function expect(replies: ReturnType<typeof replyReader>, ...codes: number[]): Promise<Reply> {
  const reply = await replies.next();
  if (!codes.includes(reply.code)) throw new Error(`SMTP relay answered ${reply.code} ${reply.lines.join(' ')}`);
  return reply;
}

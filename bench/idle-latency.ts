// How long a message submitted by SMTP takes to reach an IMAP client in IDLE on the same mailbox (issue 3:
// "within a second"): time from the start of the submission (connection, STARTTLS, AUTH, DATA) to
// imapflow's EXISTS event, over several deliveries.
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { Platform } from '../src/platform.ts';

export interface IdleLatency {
  samplesMs: number[];
}

export async function idleLatency(
  platform: Platform,
  user: string,
  password: string,
  ca: string,
  deliveries: number,
): Promise<IdleLatency> {
  const endpoint = platform.config.endpoints.find((e) => e.id === 'psc')!;
  const tls = { ca: [ca], servername: endpoint.host };
  const auth = { user, pass: password }; // the mailbox's own: the shared webmailPassword is unset by default
  const imap = new ImapFlow({
    host: endpoint.address,
    port: endpoint.imapPort,
    secure: false,
    doSTARTTLS: true,
    tls,
    auth,
    logger: false,
  });
  const smtp = nodemailer.createTransport({
    host: endpoint.address,
    port: endpoint.smtpPort,
    secure: false,
    requireTLS: true,
    tls,
    auth,
  });
  await imap.connect();
  const lock = await imap.getMailboxLock('INBOX');
  const samplesMs: number[] = [];
  try {
    for (let i = 0; i < deliveries; i++) {
      const arrived = new Promise<number>((resolve) => imap.once('exists', () => resolve(performance.now())));
      void imap.idle(); // imapflow idles by itself too; this makes sure IDLE is on before the delivery
      await new Promise((resolve) => setTimeout(resolve, 20));
      const started = performance.now();
      await smtp.sendMail({ from: user, to: user, subject: `idle ${i}`, text: 'x' });
      samplesMs.push((await arrived) - started);
    }
  } finally {
    lock.release();
    await imap.logout();
    smtp.close();
  }
  return { samplesMs };
}

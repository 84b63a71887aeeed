// A throw-away Postfix (Debian's postfix 3.7) to compare SMTP submission with: its own configuration, queue and
// data folders under a temporary folder (`postfix -c <dir>`; the system's Postfix, if any, is not touched),
// non-chrooted services, one loopback port, STARTTLS required with the platform's own certificate and key, AUTH
// PLAIN through a Dovecot of its own (Dovecot SASL on a UNIX socket, any user with the mailbox's password), and
// accepted mail queued then discarded (the discard transport: every message is written to the queue and
// fsynced, as any accepted mail, then dropped instead of being delivered). The master must run as root, as for
// Dovecot: `postfix` refuses other users ("the postfix command is reserved for the superuser").
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startDovecot, waitForPort, type Dovecot } from './dovecot.ts';

export interface Postfix {
  version: string;
  port: number;
  /** The master process; smtpd, cleanup, qmgr… are its descendants (Dovecot's auth is not counted). */
  masterPid: number;
  stop(): void;
}

/** Why Postfix cannot run here, or undefined when it can. */
export function postfixUnavailable(): string | undefined {
  if (spawnSync('postconf', ['-d', 'mail_version']).status !== 0)
    return (
      'postfix is not installed: apt-get install -y postfix (stop the service it starts, ' +
      'the benchmark runs its own)'
    );
  if (process.getuid?.() !== 0)
    return 'the Postfix master must run as root (its services then run as postfix): run the benchmark as root';
  return undefined;
}

/** Services of master.cf a submission server needs, none chrooted (the temporary folder holds no /etc). */
const SERVICES = `pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`;

export async function startPostfix(
  credentials: { chainPem: string; keyPem: string },
  password: string,
  ecdhCurves: string,
): Promise<Postfix> {
  // The platform runs with umask 077; Postfix's integrity check wants its files readable by its services.
  const umask = process.umask(0o022);
  try {
    return await start(credentials, password, ecdhCurves);
  } finally {
    process.umask(umask);
  }
}

async function start(
  credentials: { chainPem: string; keyPem: string },
  password: string,
  ecdhCurves: string,
): Promise<Postfix> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'motco-bench-postfix-'));
  chmodSync(dir, 0o755);
  for (const sub of ['conf', 'queue', 'data']) mkdirSync(path.join(dir, sub), { mode: 0o755 });
  chownSync(
    path.join(dir, 'data'),
    Number(execFileSync('id', ['-u', 'postfix']).toString()),
    Number(execFileSync('id', ['-g', 'postfix']).toString()),
  );
  writeFileSync(path.join(dir, 'cert.pem'), credentials.chainPem);
  writeFileSync(path.join(dir, 'key.pem'), credentials.keyPem, { mode: 0o600 });
  // Dovecot's authentication for smtpd, on a socket of its own folder (smtpd is not chrooted: an absolute path
  // works; the queue's folders are postfix's to create).
  const authSocket = path.join(dir, 'auth', 'socket');
  mkdirSync(path.dirname(authSocket), { mode: 0o755 });
  let dovecot: Dovecot | undefined = await startDovecot(credentials, password, 'default', { authSocket });
  const port = await freePort();
  const conf = path.join(dir, 'conf');
  writeFileSync(
    path.join(conf, 'main.cf'),
    `compatibility_level = 3.6
queue_directory = ${dir}/queue
data_directory = ${dir}/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = postfix-bench.localhost
mydestination =
maillog_file_prefixes = ${dir}
maillog_file = ${dir}/maillog
default_transport = discard:
local_transport = discard:
relay_transport = discard:
smtpd_tls_cert_file = ${dir}/cert.pem
smtpd_tls_key_file = ${dir}/key.pem
smtpd_tls_security_level = encrypt
smtpd_tls_auth_only = yes
smtpd_tls_mandatory_protocols = >=TLSv1.2
tls_eecdh_auto_curves = ${ecdhCurves.split(':').join(' ')}
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = ${authSocket}
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
message_size_limit = 26214400
`,
  );
  writeFileSync(path.join(conf, 'master.cf'), `127.0.0.1:${port} inet n - n - - smtpd\n${SERVICES}`);
  const postfix = (command: string) => spawnSync('postfix', ['-c', conf, command], { stdio: 'ignore' });
  const stop = () => {
    postfix('stop');
    dovecot?.stop();
    dovecot = undefined;
    rmSync(dir, { recursive: true, force: true });
  };
  if (postfix('start').status !== 0) {
    const log = readFileSync(path.join(dir, 'maillog'), 'utf8').split('\n').slice(-12).join('\n');
    stop();
    throw new Error(`postfix did not start:\n${log}`);
  }
  await waitForPort(port);
  const pidFile = path.join(dir, 'queue', 'pid', 'master.pid');
  for (let attempt = 0; attempt < 50 && !existsSync(pidFile); attempt++) await new Promise((r) => setTimeout(r, 100));
  return {
    version: `postfix ${execFileSync('postconf', ['-h', '-d', 'mail_version']).toString().trim()}`,
    port,
    masterPid: Number(readFileSync(pidFile, 'utf8').trim()),
    stop,
  };
}

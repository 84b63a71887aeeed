// A throw-away Dovecot (dovecot-imapd from Debian) to compare the IMAP server with: private configuration
// under a temporary folder, master run as root (its login processes run as dovenull, mail as dovecot), the
// platform's own certificate and key, any user with the webmail password, maildir storage, one loopback port;
// in Debian's default process model or in the documented high-performance one. Also Postfix's SASL (postfix.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Dovecot {
  version: string;
  port: number;
  /** The master process; the login, auth and session processes are its descendants. */
  masterPid: number;
  stop(): void;
}

/** Why Dovecot cannot run here, or undefined when it can. */
export function dovecotUnavailable(): string | undefined {
  if (spawnSync('dovecot', ['--version']).status !== 0)
    return 'dovecot is not installed: apt-get install -y dovecot-imapd (it does not start by itself)';
  if (process.getuid?.() !== 0)
    return 'the Dovecot master must run as root (its login processes then run as dovenull): run the benchmark as root';
  if (spawnSync('id', ['dovecot']).status !== 0 || spawnSync('id', ['dovenull']).status !== 0)
    return 'the dovecot and dovenull users are missing (reinstall dovecot-core)';
  return undefined;
}

/**
 * Dovecot's process models. `default`: Debian's, the high-security mode (a new login process per connection,
 * a new imap process per session). `high-performance`: the documented high-performance mode
 * (doc.dovecot.org/2.3/admin_manual/login_processes/#high-performance-mode) — login processes serve many
 * connections (service_count = 0) and one per CPU waits (process_min_avail = cores), and imap processes are reused
 * rather than forked per session (service_count = 0, process_min_avail = cores, one client each as imap requires).
 */
export type DovecotMode = 'default' | 'high-performance';

/**
 * With `authSocket`, Dovecot's authentication also listens on that UNIX socket, for Postfix's SASL
 * (bench/postfix.ts).
 */
export async function startDovecot(
  credentials: { chainPem: string; keyPem: string },
  password: string,
  mode: DovecotMode = 'default',
  options: { authSocket?: string } = {},
): Promise<Dovecot> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'motco-bench-dovecot-'));
  chmodSync(dir, 0o755); // the mail processes (user dovecot) must reach the mail folder below
  const uid = Number(execFileSync('id', ['-u', 'dovecot']).toString());
  const gid = Number(execFileSync('id', ['-g', 'dovecot']).toString());
  const mail = path.join(dir, 'mail');
  mkdirSync(mail);
  chownSync(mail, uid, gid);
  writeFileSync(path.join(dir, 'cert.pem'), credentials.chainPem);
  writeFileSync(path.join(dir, 'key.pem'), credentials.keyPem, { mode: 0o600 });
  const port = await freePort();
  const config = path.join(dir, 'dovecot.conf');
  writeFileSync(
    config,
    `base_dir = ${dir}/run
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = ${Math.min(uid, 500)}
first_valid_gid = ${Math.min(gid, 500)}
mail_location = maildir:${mail}/%u
passdb {
  driver = static
  args = password=${password}
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${mail}/%u
}
protocol imap {
  # One user, one address, many sessions: lift the per user+IP cap (10 by default).
  mail_max_userip_connections = 100000
}
service imap-login {
  inet_listener imap {
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
${mode === 'high-performance' ? highPerformanceLogin() : ''}}
${mode === 'high-performance' ? highPerformanceImap() : ''}${authListener(options.authSocket)}`,
  );
  // The master daemonises and keeps inherited pipes open: nothing to capture, so no pipes to wait on.
  const started = spawnSync('dovecot', ['-c', config], { stdio: 'ignore' });
  if (started.status !== 0) throw new Error(`dovecot did not start (exit ${started.status}); see ${dir}/dovecot.log`);
  await waitForPort(port);
  // The master may listen a moment before it writes its pid file.
  const pidFile = path.join(dir, 'run', 'master.pid');
  for (let attempt = 0; attempt < 50 && !existsSync(pidFile); attempt++) await new Promise((r) => setTimeout(r, 100));
  return {
    version: execFileSync('dovecot', ['--version']).toString().trim(),
    port,
    masterPid: Number(readFileSync(pidFile, 'utf8').trim()),
    stop() {
      spawnSync('dovecot', ['-c', config, 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Login processes of the high-performance mode: each serves up to client_limit connections, one per core waits. */
function highPerformanceLogin(): string {
  const cores = os.availableParallelism();
  return `  service_count = 0
  process_min_avail = ${cores}
  client_limit = 1000
  vsz_limit = 1G
`;
}

/** imap processes reused from session to session (one session at a time each), as many as the load needs. */
function highPerformanceImap(): string {
  const cores = os.availableParallelism();
  return `service imap {
  service_count = 0
  process_min_avail = ${cores}
  process_limit = 1024
  client_limit = 1
}
`;
}

/** With a socket, Dovecot's authentication also listening on it (for Postfix's SASL); nothing without. */
function authListener(socket: string | undefined): string {
  if (!socket) return '';
  return `service auth {
  unix_listener ${socket} {
    mode = 0666
  }
}
`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dovecot did not listen on port ${port}`);
}

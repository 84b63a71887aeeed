// How many connections each client holds on the mail endpoints, and whether one more may open (settings
// limits.*): per client address on one endpoint (IMAP and SMTP together), per address on all endpoints, and
// in total. An IPv6 client counts by its /64, the block one host is usually given.
import type { Config } from '../config/config.ts';

export interface ConnectionRefusal {
  limit: 'per_address' | 'per_address_total' | 'total';
  max: number;
}

export type ConnectionPlace = { ok: true; release: () => void } | { ok: false; refusal: ConnectionRefusal };

export class ConnectionLimits {
  private readonly perEndpoint = new Map<string, number>();
  private readonly perAddress = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: Config['limits']) {}

  /** Takes a place for a new connection, or says which limit refuses it. release() gives it back, once. */
  acquire(endpoint: string, ip: string): ConnectionPlace {
    const address = addressKey(ip);
    const here = `${endpoint} ${address}`;
    const { maxConnectionsPerAddress, maxConnectionsPerAddressTotal, maxConnectionsTotal } = this.limits;
    if ((this.perEndpoint.get(here) ?? 0) >= maxConnectionsPerAddress)
      return { ok: false, refusal: { limit: 'per_address', max: maxConnectionsPerAddress } };
    if ((this.perAddress.get(address) ?? 0) >= maxConnectionsPerAddressTotal)
      return { ok: false, refusal: { limit: 'per_address_total', max: maxConnectionsPerAddressTotal } };
    if (this.total >= maxConnectionsTotal) return { ok: false, refusal: { limit: 'total', max: maxConnectionsTotal } };
    add(this.perEndpoint, here, 1);
    add(this.perAddress, address, 1);
    this.total += 1;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        add(this.perEndpoint, here, -1);
        add(this.perAddress, address, -1);
        this.total -= 1;
      },
    };
  }
}

function add(counts: Map<string, number>, key: string, delta: number): void {
  const next = (counts.get(key) ?? 0) + delta;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}

/** The key a client address is counted under: an IPv4 address as it is, an IPv6 address by its /64 prefix. */
export function addressKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.split('%')[0]!.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  const prefix = groups.slice(0, 4).map((g) => parseInt(g, 16));
  return prefix.length === 4 && prefix.every((g) => g >= 0 && g <= 0xffff)
    ? `${prefix.map((g) => g.toString(16)).join(':')}::/64`
    : ip;
}

// How many connections each client holds on the mail endpoints, and whether one more may open (settings
// limits.*): per client address on one endpoint (IMAP and SMTP together), per address on all endpoints, and
// in total. An IPv6 client counts by its /64, the block one host is usually given. The workers of one
// `motco start` share one count, kept by the primary (SharedConnectionLimits): each worker asks it over the
// cluster's IPC channel, so that two workers do not let a client hold twice the limit.
import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config/config.ts';

export interface ConnectionRefusal {
  limit: 'per_address' | 'per_address_total' | 'total';
  max: number;
}

export type ConnectionPlace = { ok: true; release: () => void } | { ok: false; refusal: ConnectionRefusal };

/** Where the mail listeners take a place for each connection: a count of their own, or the one the workers share. */
export interface ConnectionGate {
  acquire(endpoint: string, ip: string): ConnectionPlace | Promise<ConnectionPlace>;
}

export class ConnectionLimits implements ConnectionGate {
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

/** Worker → primary and primary → worker messages of the shared count, told apart from the others. */
type PlaceRequest = { motcoPlace: { id: number; endpoint: string; ip: string } } | { motcoPlaceRelease: number };
interface PlaceAnswer {
  motcoPlaceAnswer: { id: number; refusal: ConnectionRefusal | null };
}

/** In a worker of `motco start`: places are taken from the count the primary keeps for every worker. */
export class SharedConnectionLimits implements ConnectionGate {
  private next = 1;
  private readonly waiting = new Map<number, (place: ConnectionPlace) => void>();
  /** Once the primary is gone (the worker is stopping), places are counted here, for this worker alone. */
  private readonly alone: ConnectionLimits;
  private readonly receive = (message: unknown) => {
    const answer = (message as Partial<PlaceAnswer> | null)?.motcoPlaceAnswer;
    const resolve = answer && this.waiting.get(answer.id);
    if (!answer || !resolve) return;
    this.waiting.delete(answer.id);
    resolve(answer.refusal ? { ok: false, refusal: answer.refusal } : { ok: true, release: this.releaser(answer.id) });
  };

  constructor(limits: Config['limits']) {
    this.alone = new ConnectionLimits(limits);
    process.on('message', this.receive);
  }

  acquire(endpoint: string, ip: string): ConnectionPlace | Promise<ConnectionPlace> {
    if (!process.connected) return this.alone.acquire(endpoint, ip);
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      process.send!({ motcoPlace: { id, endpoint, ip } } satisfies PlaceRequest, undefined, undefined, (error) => {
        if (!error || !this.waiting.delete(id)) return;
        resolve(this.alone.acquire(endpoint, ip));
      });
    });
  }

  close(): void {
    process.off('message', this.receive);
  }

  private releaser(id: number): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (process.connected)
        process.send!({ motcoPlaceRelease: id } satisfies PlaceRequest, undefined, undefined, () => {});
    };
  }
}

/**
 * In the primary: keeps the count for every worker and answers their requests; the places of a worker that
 * exits are given back.
 */
export function shareConnectionLimits(limits: Config['limits']): void {
  const count = new ConnectionLimits(limits);
  const held = new Map<Worker, Map<number, () => void>>();
  cluster.on('message', (worker, message: unknown) => {
    const request = message as Partial<Record<string, unknown>> | null;
    if (typeof request?.motcoPlaceRelease === 'number') {
      held.get(worker)?.get(request.motcoPlaceRelease)?.();
      held.get(worker)?.delete(request.motcoPlaceRelease);
      return;
    }
    const ask = request?.motcoPlace as { id?: unknown; endpoint?: unknown; ip?: unknown } | undefined;
    if (typeof ask?.id !== 'number' || typeof ask.endpoint !== 'string' || typeof ask.ip !== 'string') return;
    const place = count.acquire(ask.endpoint, ask.ip);
    if (place.ok) {
      if (!held.has(worker)) held.set(worker, new Map());
      held.get(worker)!.set(ask.id, place.release);
    }
    const answer: PlaceAnswer = { motcoPlaceAnswer: { id: ask.id, refusal: place.ok ? null : place.refusal } };
    if (worker.isConnected()) worker.send(answer, undefined, () => {});
    else if (place.ok) place.release();
  });
  cluster.on('exit', (worker) => {
    for (const release of held.get(worker)?.values() ?? []) release();
    held.delete(worker);
  });
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

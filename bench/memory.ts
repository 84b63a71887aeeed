// Memory of a server while it works: the proportional set size (PSS, shared pages split between the processes
// that map them) summed over a process and, for multi-process servers such as Dovecot, its descendants. PSS
// rather than RSS so that Dovecot's many processes sharing one binary are not counted many times over.
import { readdirSync, readFileSync } from 'node:fs';

/**
 * PSS and private memory (Private_Clean + Private_Dirty: pages no other process maps) of one process in bytes,
 * from /proc/PID/smaps_rollup (Linux 4.14+); undefined when it is gone or the file is missing or unreadable.
 */
export function rollup(pid: number): { pss: number; private: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kB = (field: string) => {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
      return match ? Number(match[1]) * 1024 : NaN;
    };
    const pss = kB('Pss');
    return Number.isNaN(pss) ? undefined : { pss, private: kB('Private_Clean') + kB('Private_Dirty') };
  } catch {
    return undefined;
  }
}

/** PSS in bytes of one process, or 0 when it is gone (a session process may end between listing and reading). */
function pssBytes(pid: number): number {
  return rollup(pid)?.pss ?? 0;
}

/** The process and all its descendants, from /proc. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/PID/stat is the parent; the command name (field 2) may hold spaces, so split after ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const siblings = children.get(ppid);
      if (siblings) siblings.push(Number(entry));
      else children.set(ppid, [Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

export interface MemoryPeak {
  /** Before the work started, in bytes. */
  idleBytes: number;
  /** Highest sample while it ran, in bytes. */
  peakBytes: number;
}

/**
 * Samples the memory of `pid` (alone, or with its descendants when `withDescendants`) every 50 ms while `work`
 * runs, and returns the work's result with the idle and peak figures.
 */
export async function measureMemory<T>(
  pid: number,
  withDescendants: boolean,
  work: () => Promise<T>,
): Promise<{ result: T; memory: MemoryPeak }> {
  const sample = () => (withDescendants ? processTree(pid) : [pid]).reduce((sum, p) => sum + pssBytes(p), 0);
  const idleBytes = sample();
  let peakBytes = idleBytes;
  const timer = setInterval(() => (peakBytes = Math.max(peakBytes, sample())), 50);
  try {
    const result = await work();
    return { result, memory: { idleBytes, peakBytes: Math.max(peakBytes, sample()) } };
  } finally {
    clearInterval(timer);
  }
}

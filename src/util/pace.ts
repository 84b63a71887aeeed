// Long loops share the event loop. A database read through better-sqlite3 is synchronous and an awaited
// resolved promise never lets I/O in, so work over thousands of messages would hold every other client for
// its whole length; a Pacer lets such a loop run for a slice of time, then gives the event loop a turn.
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Slice of work between two turns of the event loop, well under the ~50 ms any one request may hold it. */
const SLICE_MS = 10;

export class Pacer {
  private sliceStart = performance.now();

  constructor(private readonly sliceMs = SLICE_MS) {}

  /** Resolves at once while the slice lasts; once it is spent, after the event loop has had a turn. */
  async tick(): Promise<void> {
    if (performance.now() - this.sliceStart < this.sliceMs) return;
    await nextTurn();
    this.sliceStart = performance.now();
  }
}

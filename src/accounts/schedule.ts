// When the provisioning batch runs: every night at accounts.nightlyAt (local time), as MOTCO2 does, or
// in immediate mode once at start-up, to finish what a previous process left waiting.
import type { Config } from '../config/config.ts';
import type { Logger } from '../util/log.ts';
import type { BatchReport } from './provisioning.ts';

/** The first moment strictly after `now` whose local time is `hhmm`. */
export function nextRunAt(now: Date, hhmm: string): Date {
  const [hours, minutes] = hhmm.split(':').map(Number) as [number, number];
  const next = new Date(now.getFullYear(), now.getMonth(), now.getDate(), hours, minutes, 0, 0);
  if (next.getTime() <= now.getTime()) next.setDate(next.getDate() + 1);
  return next;
}

export class ProvisioningSchedule {
  private timer: NodeJS.Timeout | undefined;
  private next: Date | null = null;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly settings: Config['accounts'],
    private readonly run: () => Promise<BatchReport>,
    private readonly log: Logger,
    /**
     * Whether this process runs the batch (the bus's leader(): one process of a deployment does); the others only know
     * when.
     */
    private readonly leader: () => boolean = () => true,
  ) {}

  start(): void {
    if (this.settings.provisioning === 'nightly') this.plan();
    else this.launch();
  }

  /** When the nightly batch runs next; null in immediate mode. */
  nextRun(): Date | null {
    return this.next;
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.next = null;
    await this.running;
  }

  private plan(): void {
    this.next = nextRunAt(new Date(), this.settings.nightlyAt);
    this.timer = setTimeout(() => {
      this.launch();
      this.plan();
    }, this.next.getTime() - Date.now());
    this.timer.unref();
  }

  private launch(): void {
    if (!this.leader()) return;
    this.running = this.run().catch((error: unknown) => this.log.error('provisioning batch failed', { error }));
  }
}

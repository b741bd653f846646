import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';

/**
 * Housekeeping that each process runs on a timer of its own: started with the module, unref'd (it
 * never keeps the process alive) and stopped at shutdown. `run` must be safe for several instances
 * at once and must not throw.
 */
export abstract class ProcessInterval implements OnModuleInit, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  /** How often, in milliseconds; 0: never. */
  protected abstract intervalMs(): number;

  protected abstract run(): Promise<void>;

  onModuleInit(): void {
    const ms = this.intervalMs();
    if (ms > 0) {
      this.timer = setInterval(() => void this.run(), ms);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}

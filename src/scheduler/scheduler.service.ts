import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/time/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { nextRun, type Schedule } from './schedule.js';
import { SchedulerQueries } from './scheduler.queries.js';

export interface ScheduledJob {
  /** Unique and stable: the job table's key. */
  name: string;
  schedule: Schedule;
  /** The work; `now` is the scheduler's clock. Must be idempotent (a crash mid-run runs it again). */
  run(now: Date): Promise<void>;
}

/**
 * A small scheduler inside the app that behaves as one across instances on one database: each due
 * job is claimed in a transaction with `SELECT … FOR UPDATE SKIP LOCKED` on its row in
 * scheduled_jobs, run, and given its next run computed from now (so a missed run catches up once).
 * The row lock is held while the job runs: another instance skips it, and after the commit sees
 * the next run in the future. A crash rolls the claim back and the job runs again later.
 * Modules register jobs at start-up: `scheduler.register({ name, schedule, run(now) })`.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Scheduler');
  private readonly jobs = new Map<string, ScheduledJob>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<string[]> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  register(job: ScheduledJob): void {
    if (this.jobs.has(job.name)) {
      throw new Error(`Scheduled job ${job.name} is registered twice`);
    }
    this.jobs.set(job.name, job);
  }

  registered(): { name: string; schedule: Schedule }[] {
    return [...this.jobs.values()].map(({ name, schedule }) => ({ name, schedule }));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureRows(this.clock.now());
    if (this.config.scheduler.enabled) {
      this.timer = setInterval(() => {
        this.runDue().catch((error: unknown) =>
          this.logger.warn(
            `Tick failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
      }, this.config.scheduler.tickSeconds * 1000);
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /**
   * Runs every job that is due at `now` (default: the clock), each once, and returns their names.
   * Tests call it directly (the test switch); the timer calls it every tick. A run already going on
   * in this instance is joined, not doubled.
   */
  runDue(now: Date = this.clock.now()): Promise<string[]> {
    if (!this.running) {
      this.running = this.runAll(now).finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  /**
   * Sets a job's next run (the operator's and the tests' switch: make a job due at a chosen time,
   * then runDue). Unknown names change nothing.
   */
  async scheduleAt(name: string, at: Date): Promise<void> {
    await this.ensureRows(this.clock.now());
    await this.dataSource.query(`UPDATE scheduled_jobs SET next_run_at = $2 WHERE name = $1`, [
      name,
      at,
    ]);
  }

  async jobTable() {
    return SchedulerQueries.list(this.dataSource);
  }

  private async ensureRows(now: Date): Promise<void> {
    for (const job of this.jobs.values()) {
      await SchedulerQueries.ensure(this.dataSource, job.name, nextRun(job.schedule, now));
    }
  }

  private async runAll(now: Date): Promise<string[]> {
    await this.ensureRows(now);
    const done: string[] = [];
    const names = [...this.jobs.keys()];
    // Each job at most once per call, whatever its schedule.
    while (done.length < names.length) {
      const ran = await this.runOne(
        names.filter((name) => !done.includes(name)),
        now,
      );
      if (!ran) {
        break;
      }
      done.push(ran);
    }
    return done;
  }

  private async runOne(names: string[], now: Date): Promise<string | undefined> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const name = await SchedulerQueries.claimDue(runner, names, now);
      if (!name) {
        await runner.commitTransaction();
        return undefined;
      }
      const job = this.jobs.get(name)!;
      let failure: string | null = null;
      try {
        await job.run(now);
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
        this.logger.warn(`Job ${name} failed: ${failure}`);
      }
      await SchedulerQueries.markStarted(runner, name, now);
      await SchedulerQueries.finish(runner, name, now, nextRun(job.schedule, now), failure);
      await runner.commitTransaction();
      return name;
    } catch (error) {
      if (runner.isTransactionActive) {
        await runner.rollbackTransaction();
      }
      throw error;
    } finally {
      await runner.release();
    }
  }
}

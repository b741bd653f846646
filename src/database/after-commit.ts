import type {
  EntityManager,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';

const PENDING = 'afterCommit';

function take(runner: QueryRunner): (() => void)[] {
  const pending = (runner.data[PENDING] ?? []) as (() => void)[];
  runner.data[PENDING] = [];
  return pending;
}

/**
 * Runs `fn` once the transaction of `manager` has committed, or at once outside a transaction:
 * for what must happen only when the others can see the change, such as dropping a read model
 * this process keeps (dropped earlier, a request could read the old data again and keep it). A
 * rollback drops `fn`. Needs AfterCommitSubscriber among the data source's subscribers.
 */
export function afterCommit(manager: EntityManager, fn: () => void): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) {
    fn();
    return;
  }
  runner.data[PENDING] = [...((runner.data[PENDING] ?? []) as (() => void)[]), fn];
}

/** Runs what afterCommit queued when the outermost transaction commits (a savepoint is not the end). */
export class AfterCommitSubscriber implements EntitySubscriberInterface {
  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (!event.queryRunner.isTransactionActive) {
      for (const fn of take(event.queryRunner)) {
        fn();
      }
    }
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) {
      take(event.queryRunner);
    }
  }
}

/**
 * Units of work (a migration file, a rolled-back probe) on an engine whose session may already
 * run inside a transaction someone else owns: then each unit is a savepoint instead of a
 * transaction of its own.
 */
import type { SqlEngine } from './engine.js';

export interface UnitOfWork {
  readonly begin: string;
  /** Ends the unit as COMMIT would: deferred constraints are checked here. */
  readonly commit: string;
  readonly rollback: string;
}

let units = 0;

/** The statements that open and close one unit on `engine`; nested units get their own names. */
export function unitOfWork(engine: SqlEngine): UnitOfWork {
  if (!engine.insideTransaction) return { begin: 'begin', commit: 'commit', rollback: 'rollback' };
  units += 1;
  const name = `unit_${units}`;
  return {
    begin: `savepoint ${name}`,
    // Releasing a savepoint checks no deferred constraint; SET CONSTRAINTS ALL IMMEDIATE does,
    // and rolling back to the inner savepoint restores the constraint modes it changed.
    commit: `savepoint ${name}_deferred; set constraints all immediate; rollback to savepoint ${name}_deferred; release savepoint ${name}`,
    rollback: `rollback to savepoint ${name}; release savepoint ${name}`,
  };
}

/**
 * The same engine, marked as running inside a transaction its owner opened (and will end):
 * the helpers of this package then work in savepoints.
 */
export function insideOuterTransaction<E extends SqlEngine>(engine: E): E {
  return Object.assign(Object.create(engine) as E, { insideTransaction: true });
}

/**
 * Runs `fn` as one unit on an engine inside an outer transaction: what it did is kept when it
 * returns and undone when it throws, so one failing step does not abort the outer transaction.
 * Outside one, `fn` runs as it is (its statements commit on their own).
 */
export async function keptUnlessThrown<T>(engine: SqlEngine, fn: () => Promise<T>): Promise<T> {
  if (!engine.insideTransaction) return fn();
  const unit = unitOfWork(engine);
  await engine.exec(unit.begin);
  let value: T;
  try {
    value = await fn();
  } catch (error) {
    await engine.exec(unit.rollback).catch(() => undefined);
    throw error;
  }
  // A step that caught an error itself may have left the unit aborted: nothing of it can be kept.
  await engine.exec(unit.commit).catch(() => engine.exec(unit.rollback).catch(() => undefined));
  return value;
}

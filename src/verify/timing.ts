import { firstLine } from '../errors.js';
import { performance } from 'node:perf_hooks';
import { failed } from './outcome.js';
import type { CheckOutcome } from './types.js';

export interface Timed<T> {
  readonly value: T;
  readonly durationMs: number;
}

export async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const start = performance.now();
  const value = await work();
  return { value, durationMs: performance.now() - start };
}

/** Runs a check; an unexpected exception becomes a failure naming it instead of ending the run. */
export function runGuarded(work: () => Promise<CheckOutcome>): Promise<Timed<CheckOutcome>> {
  return timed(async () => {
    try {
      return await work();
    } catch (error) {
      return failed(
        firstLine(error),
        errorDetails(error).map((message) => ({ message })),
      );
    }
  });
}

function errorDetails(error: unknown): string[] {
  const details = (error as { details?: unknown } | null)?.details;
  return Array.isArray(details) ? details.map(String) : [];
}

/** A result that took no time: decided without running the check. */
export function instant<T>(value: T): Timed<T> {
  return { value, durationMs: 0 };
}

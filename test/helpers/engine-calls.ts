import type { SqlEngine } from '../../src/db/engine.js';

/** `engine`, with the name of each of its methods called pushed to `calls`: what a caller asks of it. */
export function countingCalls<E extends SqlEngine>(engine: E, calls: string[]): E {
  return new Proxy(engine, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(name));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

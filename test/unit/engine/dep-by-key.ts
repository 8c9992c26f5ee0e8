// The fake steps of the engine tests name their dependencies by key (they are built from key lists).
// StepContext reads a dependency by its Step only, so they read through a stand-in of that key:
// a Step whose operations are never run (the engine's get/need look at the key only).
import type { Step } from '../../../src/engine/index.js';

const unused = (): never => {
  throw new Error('a dependency stand-in is never run');
};

export function depByKey<C>(key: string): Step<C> {
  return { key, title: key, dependsOn: [], read: unused, create: unused, delete: unused };
}

// AWS documents that a new stage, a new Lambda permission and a new hosted-UI domain can take up
// to a minute to answer. `verify` and `token` wait through that window before calling something
// a failure: a request that got a "not live yet" answer is tried again for up to 60 s.
export const PROPAGATION_WINDOW_MS = 60_000;

export interface UntilLiveOptions {
  /** When the window started (shared by the requests of one command). */
  start?: number;
  budgetMs?: number;
  note?: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Run `attempt` until its outcome is not "not live yet" (`notLive` returns a reason for the note,
 * or undefined when the outcome is final), or the window is over; returns the last outcome.
 */
export async function untilLive<T>(attempt: () => Promise<T>, notLive: (outcome: T) => string | undefined, o: UntilLiveOptions = {}): Promise<T> {
  const now = o.now ?? Date.now;
  const start = o.start ?? now();
  const budget = o.budgetMs ?? PROPAGATION_WINDOW_MS;
  const sleep = o.sleep ?? realSleep;
  for (let delay = 1000; ; delay = Math.min(delay * 1.5, 5000)) {
    const outcome = await attempt();
    const why = notLive(outcome);
    if (!why || now() - start + delay > budget) return outcome;
    o.note?.(`${why}; AWS can take up to a minute: trying again in ${Math.round(delay / 1000)} s`);
    await sleep(delay);
  }
}

// Run an async function over items, at most `concurrency` at a time (the e2e sweeps share the
// emulator and two CPUs with the other test files). Results come in completion order.
export async function pool<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const queue = [...items];
  const out: R[] = [];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) out.push(await fn(item));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

// Request coalescing: calls for the same target made while a request to it is in flight (or in
// the same tick) travel together in the next request, so a thousand topic reconciles cost a few
// CreateTopics requests instead of a thousand, while each caller still gets its own item's answer
// (a refused item fails alone, with Kafka's reason; the others succeed).

interface Waiting<I, O> {
  item: I;
  resolve(o: O): void;
  reject(e: unknown): void;
}

/**
 * `send` gets the items of one request and answers per item, in order: a value, or the Error for
 * that item alone. A thrown error fails every item of that request (the target was unreachable).
 */
export class Coalescer<K, I, O> {
  private readonly queues = new Map<K, Waiting<I, O>[]>();
  /** Requests sent and items they carried, since the process started (benchmarks print them). */
  readonly sent = { requests: 0, items: 0 };

  constructor(
    private readonly send: (key: K, items: I[]) => Promise<(O | Error)[]>,
    private readonly opts: {
      /** At most this many items per request. */
      maxItems?: number;
      /** Items with the same identity never share a request (Kafka refuses a duplicate). */
      identity?: (item: I) => string;
    } = {},
  ) {}

  submit(key: K, item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const queue = this.queues.get(key);
      if (queue) {
        queue.push({ item, resolve, reject });
        return;
      }
      this.queues.set(key, [{ item, resolve, reject }]);
      // The first caller's tick ends before the request goes: its neighbours join it.
      setImmediate(() => void this.drain(key));
    });
  }

  private async drain(key: K): Promise<void> {
    const queue = this.queues.get(key)!;
    while (queue.length > 0) {
      const batch = this.take(queue);
      this.sent.requests++;
      this.sent.items += batch.length;
      try {
        const answers = await this.send(
          key,
          batch.map((w) => w.item),
        );
        batch.forEach((w, i) => {
          const a = answers[i];
          if (a instanceof Error) w.reject(a);
          else w.resolve(a as O);
        });
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
    this.queues.delete(key);
  }

  private take(queue: Waiting<I, O>[]): Waiting<I, O>[] {
    const max = this.opts.maxItems ?? Infinity;
    const identity = this.opts.identity;
    if (!identity) return queue.splice(0, max);
    const seen = new Set<string>();
    const batch: Waiting<I, O>[] = [];
    for (let i = 0; i < queue.length && batch.length < max;) {
      const id = identity(queue[i]!.item);
      if (seen.has(id)) {
        i++;
        continue;
      }
      seen.add(id);
      batch.push(...queue.splice(i, 1));
    }
    return batch;
  }
}

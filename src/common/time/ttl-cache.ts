/**
 * Remembers a value (a promise of it) per key for a while: for read models that are expensive to
 * compute and may be a little old, such as city-wide aggregates. A failed load is not kept. A page
 * showing a cached value says how old it is (the cockpit stores the time it computed the value in
 * the value and shows "截至 HH:MM"). `now` is the time source in milliseconds (the app's Clock in
 * services, so tests can move time).
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 100,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at <= this.ttlMs) {
      return hit.value;
    }
    if (this.entries.size >= this.maxEntries) {
      this.entries.clear();
    }
    const value = load();
    this.entries.set(key, { at: now, value });
    value.catch(() => this.entries.delete(key));
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

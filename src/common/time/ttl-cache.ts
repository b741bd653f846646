/**
 * Remembers a value (a promise of it) per key for a while: for read models that are expensive to
 * compute and may be a little old, such as city-wide aggregates. A failed load is not kept.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 100,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
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

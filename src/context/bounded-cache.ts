/**
 * A memo of at most about `2 x limit` entries, for lookups repeated per client IP, user agent
 * or query string. Two generations instead of a true LRU: when the young one is full it
 * becomes the old one and the oldest is dropped whole, so a hit costs a Map lookup and nothing
 * is reordered on the hot path; an entry still in use is promoted back when it is read.
 */
export class BoundedCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string, compute: (key: string) => V): V {
    const hit = this.young.get(key);
    if (hit !== undefined || this.young.has(key)) return hit as V;
    const value = this.old.has(key) ? (this.old.get(key) as V) : compute(key);
    this.set(key, value);
    return value;
  }

  /** The value kept for `key`, undefined when none is (for values that are never undefined). */
  find(key: string): V | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit;
    const old = this.old.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: V): void {
    if (this.young.size >= this.limit) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }
}

/**
 * A memo of at most about `2 x limit` entries, for lookups repeated per client IP or user
 * agent. Two generations instead of a true LRU: when the young one is full it becomes the
 * old one and the oldest is dropped whole, so a hit costs a Map lookup and nothing is
 * reordered on the hot path; an entry still in use is promoted back when it is read.
 */
export class BoundedCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string, compute: (key: string) => V): V {
    const hit = this.young.get(key);
    if (hit !== undefined || this.young.has(key)) return hit as V;
    const value = this.old.has(key) ? (this.old.get(key) as V) : compute(key);
    if (this.young.size >= this.limit) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
    return value;
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }
}

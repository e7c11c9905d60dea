/**
 * Promises shared until they reject: concurrent and later callers get the same promise; a
 * rejected one is dropped, so the next call tries again (a failed migration, an import that
 * failed, a database that did not open).
 */

/** The promise cached under `key`, or a new one from `create`, cached until it rejects. */
export function sharedUntilRejected<K, V>(cache: Map<K, Promise<V>>, key: K, create: () => Promise<V>): Promise<V> {
  let pending = cache.get(key);
  if (!pending) {
    pending = create().catch((error: unknown) => {
      cache.delete(key);
      throw error;
    });
    cache.set(key, pending);
  }
  return pending;
}

/** A loader that runs `create` on first use and shares its promise until it rejects. */
export function lazyUntilRejected<V>(create: () => Promise<V>): () => Promise<V> {
  const cache = new Map<0, Promise<V>>();
  return () => sharedUntilRejected(cache, 0, create);
}

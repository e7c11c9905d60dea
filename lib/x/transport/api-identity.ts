/** Who the API keys act as: looked up once per transport, kept across runs in an {@link ApiIdentityCache}, forgotten when X refuses the keys. */
import type { ApiIdentity, ApiIdentityCache } from "./api-client.js";

/** The identity of one transport: `whoAmI` (cache, else `lookup`, at most once at a time) and `forget`. */
export function identityOf(cache: ApiIdentityCache | undefined, lookup: () => Promise<ApiIdentity>): { whoAmI(): Promise<ApiIdentity>; forget(): Promise<void> } {
  let me: Promise<ApiIdentity> | null = null;
  async function known(): Promise<ApiIdentity> {
    const cached = await cache?.read().catch(() => null);
    if (cached) return cached;
    const fresh = await lookup();
    await cache?.write({ id: fresh.id, username: fresh.username }).catch(() => {});
    return fresh;
  }
  return {
    whoAmI: () =>
      (me ??= known().catch((e: unknown) => {
        me = null;
        throw e;
      })),
    async forget() {
      me = null;
      await cache?.drop().catch(() => {});
    },
  };
}

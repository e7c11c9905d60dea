/**
 * Lua for the Redis StateStore. Each script is the shared library below plus one entry
 * body; each runs atomically in one round trip. Time comes from the caller (ARGV), never
 * from the server clock, as Upstash recommends. Every key touched is also passed in KEYS.
 * The breaker transition is the same as xbot_breaker_next in SQL; the StateStore contract suite
 * (tests/integration/state-contract.test.ts) holds both to it.
 */

const LIBRARY = `
local CLOSED = '{"state":"closed","failures":0,"opens":0}'
local function try_lock(key, owner, ttl)
  if redis.call('SET', key, owner, 'NX', 'PX', ttl) then return true end
  if redis.call('GET', key) == owner then redis.call('PEXPIRE', key, ttl) return true end
  return false
end
local function try_once(key, owner, ttl)
  return redis.call('SET', key, owner, 'NX', 'PX', ttl) ~= false
end
local function lease_acquire(key, holder, slots, ttl, now)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  local held = redis.call('ZSCORE', key, holder) ~= false
  local used = redis.call('ZCARD', key)
  if not held and used >= slots then return false, used end
  redis.call('ZADD', key, now + ttl, holder)
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
  if not held then used = used + 1 end
  return true, used
end
local function cooldown(policy, opens)
  local list = policy.cooldownsMs
  return list[math.min(math.max(opens, 1), #list)] or 60000
end
local function remembered(policy, opens, last)
  if (policy.memoryMs or 0) <= 0 or opens == 0 or not last then return cjson.decode(CLOSED) end
  return {state='closed', failures=0, opens=opens, lastOpenedAtMs=last}
end
local function breaker_next(rec, ok, trial, policy, now)
  if rec.state == 'isolated' then return rec end
  if rec.state == 'open' then
    if not trial then return rec end
    if ok then return remembered(policy, rec.opens, rec.openedAtMs) end
    return {state='open', failures=rec.failures + 1, opens=rec.opens + 1, openedAtMs=now, retryAtMs=now + cooldown(policy, rec.opens + 1)}
  end
  if ok then
    if rec.failures == 0 then return rec end
    return remembered(policy, rec.opens, rec.lastOpenedAtMs)
  end
  local f = rec.failures + 1
  if f < policy.threshold then
    local nxt = remembered(policy, rec.opens, rec.lastOpenedAtMs)
    nxt.failures = f
    return nxt
  end
  local o = 1
  if rec.lastOpenedAtMs and now - rec.lastOpenedAtMs < (policy.memoryMs or 0) then o = rec.opens + 1 end
  return {state='open', failures=f, opens=o, openedAtMs=now, retryAtMs=now + cooldown(policy, o)}
end
local function read_breaker(hash, name)
  local v = redis.call('HGET', hash, name)
  if v then return cjson.decode(v) end
  return cjson.decode(CLOSED)
end
local function breaker_record(hash, name, trial_key, ok, trial, policy, now)
  local rec = read_breaker(hash, name)
  local nxt = breaker_next(rec, ok, trial, policy, now)
  if nxt ~= rec then redis.call('HSET', hash, name, cjson.encode(nxt)) end
  if trial then redis.call('DEL', trial_key) end
  return nxt
end
local function refuse(t) t.success = false return cjson.encode(t) end
`;

const ADMIT = `
local r = cjson.decode(ARGV[1])
local now = r.nowMs
if r.dedupeKey and not try_once(r.dedupeKey, r.owner, r.dedupeTtlMs) then return refuse({reason='duplicate'}) end
local level = 3
local all = redis.call('HGETALL', r.breakerHash)
for i = 1, #all, 2 do
  if cjson.decode(all[i + 1]).state ~= 'closed' then level = math.min(level, r.levels[all[i]] or 3) end
end
if level < r.minLevel then return refuse({reason='degraded', level=level}) end
local seen = {}
for _, b in ipairs(r.breakers) do
  local rec = read_breaker(r.breakerHash, b.name)
  seen[b.name] = rec
  if rec.state == 'isolated' or (rec.state == 'open' and now < rec.retryAtMs) then
    return refuse({reason='breaker_open', dependency=b.name, retryAtMs=rec.retryAtMs})
  end
end
for _, a in ipairs(r.after) do
  local v = redis.call('HGET', r.heartbeatHash, a.job)
  local hb = v and cjson.decode(v)
  if not hb or type(hb.lastSuccessAt) ~= 'number' or hb.expiresAtMs <= now or now - hb.lastSuccessAt > a.maxAgeMs then
    return refuse({reason='dependency_unhealthy', job=a.job})
  end
end
if r.lockKey and not try_lock(r.lockKey, r.owner, r.lockTtlMs) then return refuse({reason='locked'}) end
local undo = {}
local function rollback()
  for _, u in ipairs(undo) do
    if u[1] == 'lease' then redis.call('ZREM', u[2], r.owner) else redis.call('DEL', u[2]) end
  end
  if r.lockKey then redis.call('DEL', r.lockKey) end
end
for _, l in ipairs(r.leases) do
  if not lease_acquire(l.key, r.owner, l.slots, l.ttlMs, now) then
    rollback()
    return refuse({reason='budget_exhausted', resource=l.resource})
  end
  table.insert(undo, {'lease', l.key})
end
local trials = {}
for _, b in ipairs(r.breakers) do
  if seen[b.name].state == 'open' then
    if not try_once(b.trialKey, r.owner, b.trialTtlMs) then
      rollback()
      return refuse({reason='breaker_open', dependency=b.name})
    end
    table.insert(undo, {'trial', b.trialKey})
    table.insert(trials, b.name)
  end
end
return cjson.encode({success=true, trials=trials, breakers=seen})
`;

const SETTLE = `
local r = cjson.decode(ARGV[1])
local last = cjson.null
if r.status == 'ok' then
  last = r.nowMs
else
  local prev = redis.call('HGET', r.heartbeatHash, r.job)
  if prev then
    local p = cjson.decode(prev)
    if type(p.lastSuccessAt) == 'number' then last = p.lastSuccessAt end
  end
end
redis.call('HSET', r.heartbeatHash, r.job, cjson.encode({at=r.nowMs, lastSuccessAt=last, status=r.status, expiresAtMs=r.nowMs + r.heartbeatTtlMs}))
for _, o in ipairs(r.outcomes) do breaker_record(r.breakerHash, o.name, o.trialKey, o.ok, o.trial, o.policy, r.nowMs) end
for _, k in ipairs(r.releaseTrials) do
  if redis.call('GET', k) == r.owner then redis.call('DEL', k) end
end
for _, k in ipairs(r.leaseKeys) do redis.call('ZREM', k, r.owner) end
if r.lockKey and redis.call('GET', r.lockKey) == r.owner then redis.call('DEL', r.lockKey) end
return 1
`;

/** Entry bodies of the single-operation scripts; ARGV[1] is a JSON argument object. */
const OPS = {
  tryLock: `local a = cjson.decode(ARGV[1]) if try_lock(a.key, a.owner, a.ttlMs) then return 1 end return 0`,
  extendLock: `local a = cjson.decode(ARGV[1]) if redis.call('GET', a.key) == a.owner then redis.call('PEXPIRE', a.key, a.ttlMs) return 1 end return 0`,
  releaseLock: `local a = cjson.decode(ARGV[1]) if redis.call('GET', a.key) == a.owner then redis.call('DEL', a.key) return 1 end return 0`,
  acquireLease: `local a = cjson.decode(ARGV[1]) local ok, used = lease_acquire(a.key, a.holder, a.slots, a.ttlMs, a.nowMs) return cjson.encode({success=ok, used=used, slots=a.slots})`,
  countLeases: `local a = cjson.decode(ARGV[1]) return redis.call('ZCOUNT', a.key, '(' .. a.nowMs, '+inf')`,
  breakerTrial: `local a = cjson.decode(ARGV[1])
local rec = read_breaker(a.hash, a.name)
local function out(ok, trial, reason) return cjson.encode({success=ok, trial=trial, reason=reason, breaker=rec}) end
if rec.state == 'closed' then return out(true, false) end
if rec.state == 'isolated' then return out(false, false, 'isolated') end
if a.nowMs < rec.retryAtMs then return out(false, false, 'open') end
if try_once(a.trialKey, a.holder, a.ttlMs) then return out(true, true) end
return out(false, false, 'trial_in_progress')`,
  breakerRecord: `local a = cjson.decode(ARGV[1]) return cjson.encode(breaker_record(a.hash, a.name, a.trialKey, a.ok, a.trial, a.policy, a.nowMs))`,
  counterIncr: `local a = cjson.decode(ARGV[1]) local v = redis.call('INCRBY', a.key, a.by) if redis.call('PTTL', a.key) < 0 then redis.call('PEXPIRE', a.key, a.windowMs) end return v`,
  counterReserve: `local a = cjson.decode(ARGV[1]) local cur = tonumber(redis.call('GET', a.key) or '0') if cur + a.by > a.cap then return cjson.encode({granted=false, total=cur}) end local v = redis.call('INCRBY', a.key, a.by) if redis.call('PTTL', a.key) < 0 then redis.call('PEXPIRE', a.key, a.windowMs) end return cjson.encode({granted=true, total=v})`,
  admit: ADMIT,
  settle: SETTLE,
} as const;

/** Name of a Redis StateStore script. */
export type LuaOp = keyof typeof OPS;

/** The full text of a script: library + entry body. */
export function luaScript(op: LuaOp): string {
  return LIBRARY + OPS[op];
}

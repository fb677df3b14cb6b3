// The Redis bus's key names and its Lua scripts (atomic check-and-act on claims and presence), run by SHA with a fallback to the source.
import { createHash } from 'node:crypto';
import type { BusChannel } from '../bus.js';

/** Every key and channel one bus uses, under `netroom:<prefix>:` so several clusters (or tests) can share a Redis. */
export class RedisKeys {
  readonly root: string;
  constructor(prefix: string) {
    this.root = `netroom:${prefix}:`;
  }
  channel(channel: BusChannel): string {
    return `${this.root}${channel}`;
  }
  name(key: string): string {
    return `${this.root}name:${key}`;
  }
  node(node: string): string {
    return `${this.root}node:${node}`;
  }
  reap(node: string): string {
    return `${this.root}reap:${node}`;
  }
  /** Hash: field = folded name key, value = JSON PresenceRecord. */
  get presence(): string {
    return `${this.root}presence`;
  }
  /** Set of node ids that started and were not reaped: how a node learns of others that never spoke. */
  get nodes(): string {
    return `${this.root}nodes`;
  }
}

/** A Lua script and its SHA-1, for EVALSHA. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Claim a name: take it if free, keep it if it is already this node's. Its expiry is set to the
 * node's liveness key's (ARGV[2], the TTL, only when that key is missing), so a node's names
 * never outlive its liveness: once a node reads as lost, its names are free.
 * KEYS[1] name key, KEYS[2] this node's liveness key; ARGV[1] node id, ARGV[2] ttl ms.
 * Returns 1 (ours) or 0 (another node's).
 */
export const CLAIM = script(`
local ttl = redis.call('PTTL', KEYS[2])
if ttl <= 0 then ttl = tonumber(ARGV[2]) end
local holder = redis.call('GET', KEYS[1])
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
  return 1
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ttl)
  return 1
end
return 0
`);

/**
 * The heartbeat's refresh of many names at once, and the re-claim after Redis came back empty:
 * each key is kept or re-taken if free; one taken by another node is reported (0) and left alone.
 * Expiry as in CLAIM: the liveness key's. KEYS[1] this node's liveness key, then the name keys;
 * ARGV[1] node id, ARGV[2] ttl ms. Returns one 1/0 per name key.
 */
export const REFRESH = script(`
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then ttl = tonumber(ARGV[2]) end
local out = {}
for i = 2, #KEYS do
  local key = KEYS[i]
  local holder = redis.call('GET', key)
  if holder == false then
    redis.call('SET', key, ARGV[1], 'PX', ttl)
    out[i - 1] = 1
  elseif holder == ARGV[1] then
    redis.call('PEXPIRE', key, ttl)
    out[i - 1] = 1
  else
    out[i - 1] = 0
  end
end
return out
`);

/** Delete names only where they are still this node's. KEYS name keys; ARGV[1] node id. Returns how many. */
export const RELEASE = script(`
local n = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('DEL', key)
    n = n + 1
  end
end
return n
`);

/**
 * Remove presence fields only where the record is still the given node's (a name can have moved to
 * another node meanwhile; its new record must stay). KEYS[1] presence hash; ARGV[1] node id, then
 * the fields to consider (none: every field of the hash). Returns how many were removed.
 */
export const DROP_PRESENCE = script(`
local fields = {}
if #ARGV > 1 then
  for i = 2, #ARGV do fields[#fields + 1] = ARGV[i] end
else
  local all = redis.call('HKEYS', KEYS[1])
  for _, field in ipairs(all) do fields[#fields + 1] = field end
end
local n = 0
for _, field in ipairs(fields) do
  local value = redis.call('HGET', KEYS[1], field)
  if value then
    local ok, record = pcall(cjson.decode, value)
    if ok and type(record) == 'table' and record['node'] == ARGV[1] then
      redis.call('HDEL', KEYS[1], field)
      n = n + 1
    end
  end
end
return n
`);

/** What runs a script: node-redis's evalSha/eval, narrowed to what is used here. */
export interface ScriptRunner {
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(source: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** EVALSHA, and EVAL when Redis does not know the script yet (a fresh or restarted server). */
export async function runScript(client: ScriptRunner, lua: LuaScript, keys: string[], args: string[]): Promise<unknown> {
  const options = { keys, arguments: args };
  try {
    return await client.evalSha(lua.sha, options);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return await client.eval(lua.source, options);
    throw error;
  }
}

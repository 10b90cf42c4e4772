/**
 * Lua scripts of the Redis timeline store. Each one is a single atomic round trip: a whole fan-out
 * batch (up to FANOUT_BATCH_SIZE timelines) is one EVALSHA, which is as pipelined as a write can get
 * and cannot interleave with a delete's tombstone check.
 */

/**
 * KEYS: tombstone, seen hash, the author's unfollow-marker hash, then n timelines. ARGV: member,
 * score, cap, activeSince, then the n readers' ids. Skips inactive readers and readers with an
 * unfollow marker (the batch was cut before they unfollowed). Two commands per reader reached: ZADD
 * and a trim that is a no-op until the timeline passes the cap. Returns the 1-based indexes reached.
 */
export const PUSH_POST = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {} end
local n = #KEYS - 3
if n == 0 then return {} end
local keep = -(tonumber(ARGV[3]) + 1)
local since = tonumber(ARGV[4])
local seen = redis.call('HMGET', KEYS[2], unpack(ARGV, 5, 4 + n))
local gone = redis.call('HMGET', KEYS[3], unpack(ARGV, 5, 4 + n))
local reached = {}
for i = 1, n do
  local last = seen[i]
  if ((not last) or tonumber(last) >= since) and not gone[i] then
    local key = KEYS[i + 3]
    redis.call('ZADD', key, ARGV[2], ARGV[1])
    redis.call('ZREMRANGEBYRANK', key, 0, keep)
    reached[#reached + 1] = i
  end
end
return reached`;

/** KEYS: tombstone, recent set. ARGV: member, score, cap. */
export const ADD_RECENT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
local size = redis.call('ZCARD', KEYS[2])
local cap = tonumber(ARGV[3])
if size > cap then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, size - cap - 1) end
return 1`;

/**
 * KEYS: a recent sets, their authors' a unfollow-marker hashes, then t timelines. ARGV: cap, a, then
 * the t readers' ids. Copies each author's recent set into each timeline whose reader has no unfollow
 * marker for that author.
 */
export const MERGE_RECENT = `
local keep = -(tonumber(ARGV[1]) + 1)
local a = tonumber(ARGV[2])
local t = #KEYS - 2 * a
local merged = 0
for j = 1, a do
  local e = redis.call('ZRANGE', KEYS[j], 0, -1, 'WITHSCORES')
  if #e > 0 then
    local args = {}
    for m = 1, #e, 2 do
      args[#args + 1] = e[m + 1]
      args[#args + 1] = e[m]
    end
    for i = 1, t do
      if redis.call('HEXISTS', KEYS[a + j], ARGV[2 + i]) == 0 then
        for k = 1, #args, 1000 do
          redis.call('ZADD', KEYS[2 * a + i], unpack(args, k, math.min(k + 999, #args)))
        end
        merged = merged + #e / 2
      end
    end
  end
end
for i = 1, t do redis.call('ZREMRANGEBYRANK', KEYS[2 * a + i], 0, keep) end
return merged`;

/**
 * KEYS: a timeline, the author's unfollow-marker hash. ARGV: ":<authorId>" (the suffix of that
 * author's members), the reader's id, now. Removes the author's posts and leaves a marker so a batch
 * cut before the unfollow cannot bring them back.
 */
export const REMOVE_AUTHOR = `
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
local suffix = ARGV[1]
local removed = 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(member, -#suffix) == suffix then
    redis.call('ZREM', KEYS[1], member)
    removed = removed + 1
  end
end
return removed`;

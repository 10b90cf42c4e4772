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
 * The last change applied to a (reader, author) pair is kept as "<at>:<event id>" in an edge record, for
 * as long as a late event could arrive. A follow or unfollow at or before it (same millisecond: the
 * event id decides) is stale and changes nothing, so two dispatchers, or a redelivery after a failure,
 * cannot apply a pair's changes out of order.
 */
const STALE_CHECK = (edgeKey: string, at: string, id: string, ttl: string) => `
local last = redis.call('GET', ${edgeKey})
if last then
  local sep = string.find(last, ':', 1, true)
  local lastAt = tonumber(string.sub(last, 1, sep - 1))
  local at = tonumber(${at})
  if lastAt > at or (lastAt == at and string.sub(last, sep + 1) >= ${id}) then return -1 end
end
redis.call('SET', ${edgeKey}, ${at} .. ':' .. ${id}, 'EX', ${ttl})`;

/**
 * KEYS: the pair's edge record, the author's unfollow-marker hash, the author's recent set, the
 * reader's timeline. ARGV: at, event id, the reader's id, edge ttl (s), cap, merge (1 or 0). Returns -1
 * when stale, else the number of entries merged.
 */
export const FOLLOW = `${STALE_CHECK('KEYS[1]', 'ARGV[1]', 'ARGV[2]', 'ARGV[4]')}
redis.call('HDEL', KEYS[2], ARGV[3])
if ARGV[6] ~= '1' then return 0 end
local e = redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES')
if #e == 0 then return 0 end
local args = {}
for m = 1, #e, 2 do
  args[#args + 1] = e[m + 1]
  args[#args + 1] = e[m]
end
for k = 1, #args, 1000 do
  redis.call('ZADD', KEYS[4], unpack(args, k, math.min(k + 999, #args)))
end
redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -(tonumber(ARGV[5]) + 1))
return #e / 2`;

/**
 * KEYS: a timeline, the author's unfollow-marker hash, the pair's edge record. ARGV: ":<authorId>" (the
 * suffix of that author's members), the reader's id, at, event id, edge ttl (s). Removes the author's
 * posts and leaves a marker so a batch cut before the unfollow cannot bring them back. Returns -1 when
 * stale, else how many posts it removed.
 */
export const REMOVE_AUTHOR = `${STALE_CHECK('KEYS[3]', 'ARGV[3]', 'ARGV[4]', 'ARGV[5]')}
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

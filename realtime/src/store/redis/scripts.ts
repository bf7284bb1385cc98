/**
 * Lua scripts: each check-and-write is one atomic step in Redis, so the
 * sequence number, the stored record and the replay log can never disagree.
 * KEYS[1] is the post's key base (hash-tagged, so one Cluster slot holds a post).
 */

/**
 * ARGV: 1 write key (userId:clientId), 2 comment id, 3 parent id or '',
 * 4 comment JSON without seq/reactions, 5 idempotency TTL (s), 6 replay log length.
 * Returns {'OK', json} | {'DUP', json} | {'ERR', 'post'|'parent'}.
 */
export const ADD_COMMENT = `
local base = KEYS[1]
if redis.call('EXISTS', base .. ':meta') == 0 then return {'ERR', 'post'} end
local written = base .. ':idem:' .. ARGV[1]
local earlier = redis.call('GET', written)
if earlier then
  local stored = redis.call('HGET', base .. ':c', earlier)
  if stored then return {'DUP', stored} end
end
if ARGV[3] ~= '' and redis.call('HEXISTS', base .. ':c', ARGV[3]) == 0 then return {'ERR', 'parent'} end
local seq = redis.call('INCR', base .. ':seq')
local json = string.sub(ARGV[4], 1, -2) .. ',"seq":' .. seq .. '}'
redis.call('HSET', base .. ':c', ARGV[2], json)
redis.call('ZADD', base .. ':order', seq, ARGV[2])
redis.call('HINCRBY', base .. ':meta', 'commentCount', 1)
redis.call('SET', written, ARGV[2], 'EX', ARGV[5])
local event = '{"type":"comment","seq":' .. seq .. ',"comment":' .. string.sub(json, 1, -2)
  .. ',"reactions":{"like":0,"love":0,"laugh":0,"wow":0}}}'
redis.call('XADD', base .. ':log', 'MAXLEN', '~', ARGV[6], '0-' .. seq, 'e', event)
return {'OK', json}
`;

/**
 * ARGV: 1 replay log length, then per op 4 values: comment id, kind, user id, '1'|'0'.
 * Returns {seq (0 when nothing changed), found flag per op..., then per distinct
 * found comment: id, changed flag, like, love, laugh, wow}. {-1} when the post is missing.
 */
export const APPLY_REACTIONS = `
local base = KEYS[1]
if redis.call('EXISTS', base .. ':meta') == 0 then return {-1} end
local kinds = {'like', 'love', 'laugh', 'wow'}
local out = {0}
local seen, order, changedSet = {}, {}, {}
local anyChange = false
local n = (#ARGV - 1) / 4
for i = 0, n - 1 do
  local cid, kind, uid, active = ARGV[2 + i * 4], ARGV[3 + i * 4], ARGV[4 + i * 4], ARGV[5 + i * 4]
  if redis.call('HEXISTS', base .. ':c', cid) == 0 then
    out[#out + 1] = 0
  else
    out[#out + 1] = 1
    local member = cid .. '|' .. kind
    local changed
    if active == '1' then
      changed = redis.call('SADD', base .. ':ru:' .. uid, member)
      if changed == 1 then redis.call('HINCRBY', base .. ':rc', member, 1) end
    else
      changed = redis.call('SREM', base .. ':ru:' .. uid, member)
      if changed == 1 and redis.call('HINCRBY', base .. ':rc', member, -1) < 0 then
        redis.call('HSET', base .. ':rc', member, 0)
      end
    end
    if not seen[cid] then seen[cid] = true; order[#order + 1] = cid end
    if changed == 1 then changedSet[cid] = true; anyChange = true end
  end
end
local totals = {}
for _, cid in ipairs(order) do
  out[#out + 1] = cid
  out[#out + 1] = changedSet[cid] and 1 or 0
  local counts = redis.call('HMGET', base .. ':rc', cid .. '|like', cid .. '|love', cid .. '|laugh', cid .. '|wow')
  local parts = {}
  for k = 1, 4 do
    local v = tonumber(counts[k]) or 0
    out[#out + 1] = v
    parts[k] = '"' .. kinds[k] .. '":' .. v
  end
  if changedSet[cid] then
    totals[#totals + 1] = '{"commentId":"' .. cid .. '","counts":{' .. table.concat(parts, ',') .. '}}'
  end
end
if anyChange then
  local seq = redis.call('INCR', base .. ':seq')
  out[1] = seq
  local event = '{"type":"reactions","seq":' .. seq .. ',"totals":[' .. table.concat(totals, ',') .. ']}'
  redis.call('XADD', base .. ':log', 'MAXLEN', '~', ARGV[1], '0-' .. seq, 'e', event)
end
return out
`;

/** KEYS: meta hash, posts index. ARGV: 1 createdAt, 2 post id, then field/value pairs. 0 if the post exists, else 1. */
export const CREATE_POST = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
return 1
`;

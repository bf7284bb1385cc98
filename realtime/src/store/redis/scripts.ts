/**
 * Lua scripts: each check-and-write is one atomic step in Redis, so the
 * sequence number, the stored record and the replay log can never disagree.
 * KEYS[1] is the post's key base (hash-tagged, so one Cluster slot holds a post).
 */
import { PULSE_BUCKET_MS } from '@board/shared';

/**
 * The pulse (shared/src/pulse.ts), shared by the scripts that count into it:
 * :pulse holds `<bucket>|like|love|laugh|wow|c` counts, :pulsed the buckets
 * changed since the last pulse frame, :pulsegate (PX) closes the next frame.
 * `count` adds n to one field; `pulseOut(frameMs)` is PulseOut in store/types.ts:
 * {0} nothing waits, {1, ms} wait this long, {2, then per bucket: index, like,
 * love, laugh, wow, comments} send these now (the gate closes for frameMs).
 */
const PULSE = `
local function pulseBucket(ms) return math.floor(ms / ${PULSE_BUCKET_MS}) end
local function pulseCount(base, bucket, field, n)
  redis.call('HINCRBY', base .. ':pulse', bucket .. '|' .. field, n)
  redis.call('SADD', base .. ':pulsed', bucket)
end
local function pulseOut(base, frameMs)
  if redis.call('SCARD', base .. ':pulsed') == 0 then return {0} end
  if not redis.call('SET', base .. ':pulsegate', '1', 'PX', frameMs, 'NX') then
    return {1, math.max(1, redis.call('PTTL', base .. ':pulsegate'))}
  end
  local out = {2}
  local buckets = redis.call('SMEMBERS', base .. ':pulsed')
  redis.call('DEL', base .. ':pulsed')
  for _, b in ipairs(buckets) do
    local row = redis.call('HMGET', base .. ':pulse', b .. '|like', b .. '|love', b .. '|laugh', b .. '|wow', b .. '|c')
    out[#out + 1] = tonumber(b)
    for k = 1, 5 do out[#out + 1] = tonumber(row[k]) or 0 end
  end
  return out
end
-- The event time of a clock (JSON decoded) at server time at, as eventTimeAt() in shared/src/event-clock.ts.
local function eventTime(c, at)
  local t = c.positionMs
  if c.state == 'live' then t = t + math.max(0, at - c.changedAt) end
  if type(c.lengthMs) == 'number' and t > c.lengthMs then t = c.lengthMs end
  return t
end
`;

/**
 * ARGV: 1 write key (userId:clientId), 2 comment id, 3 parent id or '',
 * 4 comment JSON without seq/reactions/flags/moment, 5 idempotency TTL (s), 6 replay log length, 7 user id,
 * 8 acceptance time (ms since the epoch; the comment's moment is the writer's playhead then),
 * 9 the writer's stream delay (ms, already bounded), 10 least gap between pulse frames (ms),
 * 11 the writer's replay playhead (ms) or '' (not watching later).
 * A stamped comment is counted into its pulse bucket and indexed by moment (:m).
 * Returns {'OK', json, pulseOut} | {'DUP', json} | {'ERR', 'post'|'parent'|'banned'|'locked'} | {'ERR', 'slow', pttl}.
 * Order matters: a resend of a stored comment is answered before any rule that
 * could refuse it now (slow mode, lock).
 */
export const ADD_COMMENT = PULSE + `
local base = KEYS[1]
if redis.call('EXISTS', base .. ':meta') == 0 then return {'ERR', 'post'} end
local written = base .. ':idem:' .. ARGV[1]
local earlier = redis.call('GET', written)
if earlier then
  local stored = redis.call('HGET', base .. ':c', earlier)
  if stored then return {'DUP', stored} end
end
local uid = ARGV[7]
if redis.call('SISMEMBER', base .. ':banned', uid) == 1 then return {'ERR', 'banned'} end
local host = redis.call('SISMEMBER', base .. ':hosts', uid) == 1
if not host and redis.call('HGET', base .. ':meta', 'locked') == '1' then return {'ERR', 'locked'} end
if ARGV[3] ~= '' and redis.call('HEXISTS', base .. ':c', ARGV[3]) == 0 then return {'ERR', 'parent'} end
-- The thread it joins: a reply's root is its parent's root, or the parent when that is top-level.
local root = ''
if ARGV[3] ~= '' then root = redis.call('HGET', base .. ':root', ARGV[3]) or ARGV[3] end
if not host then
  local slow = tonumber(redis.call('HGET', base .. ':meta', 'slowModeSeconds') or '0') or 0
  if slow > 0 then
    local key = base .. ':slow:' .. uid
    if not redis.call('SET', key, '1', 'PX', slow * 1000, 'NX') then
      return {'ERR', 'slow', redis.call('PTTL', key)}
    end
  end
end
local seq = redis.call('INCR', base .. ':seq')
-- The writer's playhead at the acceptance time (ARGV[8]) with their delay (ARGV[9]),
-- as momentAt() / playheadAt() in shared/src/event-clock.ts.
local moment = 'null'
local replayed = false
local clockJson = redis.call('HGET', base .. ':meta', 'clock')
if clockJson then
  local c = cjson.decode(clockJson)
  if c.state ~= 'scheduled' then
    local stop = c.positionMs
    if c.state == 'live' then
      stop = math.huge
      if type(c.lengthMs) == 'number' then stop = c.lengthMs end
    end
    local elapsed = math.max(0, tonumber(ARGV[8]) - c.changedAt)
    local at = math.floor(math.min(stop, math.max(0, c.positionMs + elapsed - (tonumber(ARGV[9]) or 0))))
    local stamped = c.state ~= 'ended' or at < c.positionMs
    -- Written while watching later (ARGV[11]): the replay playhead, cut to the event time now, as replayMomentAt().
    if ARGV[11] ~= '' then
      at = math.max(0, math.min(math.floor(tonumber(ARGV[11])), eventTime(c, tonumber(ARGV[8]))))
      stamped, replayed = true, true
    end
    if stamped then
      moment = string.format('%d', at)
      pulseCount(base, pulseBucket(at), 'c', 1)
      -- The moment index (READ_RANGE): ties of one moment in seq order (same score: members compare as text).
      redis.call('ZADD', base .. ':m', at, string.format('%015d', seq) .. '|' .. ARGV[2])
    end
  end
end
local json = string.sub(ARGV[4], 1, -2) .. ',"seq":' .. seq .. ',"byFacilitator":' .. (host and 'true' or 'false')
  .. ',"moment":' .. moment .. ',"rootId":' .. (root == '' and 'null' or ('"' .. root .. '"'))
  .. (replayed and ',"replayed":true' or '') .. '}'
redis.call('HSET', base .. ':c', ARGV[2], json)
redis.call('ZADD', base .. ':order', seq, ARGV[2])
-- The page indexes (READ_PAGE): threads by seq and by Top rank (no reactions yet: the seq), replies per thread.
if root == '' then
  redis.call('ZADD', base .. ':threads', seq, ARGV[2])
  redis.call('ZADD', base .. ':top', seq, ARGV[2])
else
  redis.call('HSET', base .. ':root', ARGV[2], root)
  redis.call('ZADD', base .. ':r:' .. root, seq, ARGV[2])
end
redis.call('HINCRBY', base .. ':meta', 'commentCount', 1)
redis.call('SET', written, ARGV[2], 'EX', ARGV[5])
local event = '{"type":"comment","seq":' .. seq .. ',"comment":' .. string.sub(json, 1, -2)
  .. ',"reactions":{"like":0,"love":0,"laugh":0,"wow":0},"hidden":false,"deleted":false}}'
redis.call('XADD', base .. ':log', 'MAXLEN', '~', ARGV[6], '0-' .. seq, 'e', event)
return {'OK', json, pulseOut(base, ARGV[10])}
`;

/**
 * ARGV: 1 base acceptance time (ms since the epoch), 2 least gap between pulse
 * frames (ms), then per (comment, kind) group: comment id, kind, the count n of its
 * settings, n user ids, one string of n '1'|'0' (each setting's active
 * flag), and one string of n comma-separated acceptance times (ms after ARGV 1),
 * settings in their order within the group. A press (a setting that turns a
 * reaction on) while the event is live or paused is stamped with the event time
 * at its acceptance and counted into its pulse bucket. Groups, not four values per
 * click: a storm's batch is thousands of people on a few comments.
 * Returns {totals version, pulseOut, n refused, then per refused setting its position
 * (0-based, groups in order) and status (0 no such comment, 2 post locked,
 * 3 person removed)..., then per distinct applied comment: id, changed flag,
 * like, love, laugh, wow}; {-1} when the post is missing. Every op not listed
 * was applied. Totals are not sequenced: a batch that changes a count takes the
 * next totals version (:rv) and records it per changed comment (:rvc), so a
 * resync can ask which comments changed since a version.
 */
export const APPLY_REACTIONS = PULSE + `
local base = KEYS[1]
if redis.call('EXISTS', base .. ':meta') == 0 then return {-1} end
local locked = redis.call('HGET', base .. ':meta', 'locked') == '1'
-- Presses are stamped only while the event runs or is paused (as comments are).
local clock = nil
local clockJson = redis.call('HGET', base .. ':meta', 'clock')
if clockJson then
  clock = cjson.decode(clockJson)
  if clock.state ~= 'live' and clock.state ~= 'paused' then clock = nil end
end
local baseAt = tonumber(ARGV[1])
-- Presses per 'bucket|kind', written once per batch after the loop.
local pressed, pressedOrder = {}, {}
local refused, nRefused = {}, 0
local seen, order, changedSet = {}, {}, {}
local anyChange = false
-- Each comment's and person's checks are made once per batch (nothing here changes them).
local commentOk, banned = {}, {}
-- The removed people are usually none or a few: read them once rather than per person.
local removed = nil
if redis.call('SCARD', base .. ':banned') <= 1000 then
  removed = {}
  for _, u in ipairs(redis.call('SMEMBERS', base .. ':banned')) do removed[u] = true end
end
local ru = base .. ':ru:'
-- Net change per 'comment|kind', written once per batch after the loop.
local delta, deltaOrder = {}, {}
local nargs, a, pos = #ARGV, 3, 0
while a <= nargs do
  local cid, kind, count = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2])
  local flags = ARGV[a + 3 + count]
  local offsets = nil
  if commentOk[cid] == nil then
    commentOk[cid] = redis.call('HEXISTS', base .. ':c', cid) == 1 and redis.call('SISMEMBER', base .. ':deleted', cid) == 0
  end
  local member = cid .. '|' .. kind
  for j = 1, count do
    local uid = ARGV[a + 2 + j]
    local active = string.byte(flags, j) == 49
    if banned[uid] == nil then
      if removed then banned[uid] = removed[uid] == true
      else banned[uid] = redis.call('SISMEMBER', base .. ':banned', uid) == 1 end
    end
    local status = 1
    if not commentOk[cid] then status = 0
    elseif locked then status = 2
    elseif banned[uid] then status = 3 end
    if status ~= 1 then
      refused[nRefused * 2 + 1] = pos
      refused[nRefused * 2 + 2] = status
      nRefused = nRefused + 1
    else
      local changed
      if active then
        changed = redis.call('SADD', ru .. uid, member)
      else
        changed = redis.call('SREM', ru .. uid, member)
      end
      if not seen[cid] then seen[cid] = true; order[#order + 1] = cid end
      if changed == 1 then
        changedSet[cid] = true; anyChange = true
        if delta[member] == nil then delta[member] = 0; deltaOrder[#deltaOrder + 1] = member end
        delta[member] = delta[member] + (active and 1 or -1)
        if active and clock then
          if offsets == nil then
            offsets = {}
            for v in string.gmatch(ARGV[a + 4 + count], '[^,]+') do offsets[#offsets + 1] = tonumber(v) end
          end
          local key = pulseBucket(eventTime(clock, baseAt + (offsets[j] or 0))) .. '|' .. kind
          if pressed[key] == nil then pressed[key] = 0; pressedOrder[#pressedOrder + 1] = key end
          pressed[key] = pressed[key] + 1
        end
      end
    end
    pos = pos + 1
  end
  a = a + 5 + count
end
for _, key in ipairs(pressedOrder) do
  local bar = string.find(key, '|', 1, true)
  pulseCount(base, string.sub(key, 1, bar - 1), string.sub(key, bar + 1), pressed[key])
end
for _, member in ipairs(deltaOrder) do
  local d = delta[member]
  if d ~= 0 and redis.call('HINCRBY', base .. ':rc', member, d) < 0 then
    redis.call('HSET', base .. ':rc', member, 0)
  end
end
local version
if anyChange then
  version = redis.call('INCR', base .. ':rv')
  for _, cid in ipairs(order) do
    if changedSet[cid] then redis.call('ZADD', base .. ':rvc', version, cid) end
  end
else
  version = tonumber(redis.call('GET', base .. ':rv') or '0')
end
local out = {version, pulseOut(base, ARGV[2]), nRefused}
for k = 1, nRefused * 2 do out[3 + k] = refused[k] end
for _, cid in ipairs(order) do
  out[#out + 1] = cid
  out[#out + 1] = changedSet[cid] and 1 or 0
  local counts = redis.call('HMGET', base .. ':rc', cid .. '|like', cid .. '|love', cid .. '|laugh', cid .. '|wow')
  local total = 0
  for k = 1, 4 do
    local n = tonumber(counts[k]) or 0
    out[#out + 1] = n
    total = total + n
  end
  -- A thread's first comment moves in Top (threadRank in @board/shared: total * 2^32 + seq).
  if changedSet[cid] then
    local threadSeq = redis.call('ZSCORE', base .. ':threads', cid)
    if threadSeq then redis.call('ZADD', base .. ':top', string.format('%.0f', total * 4294967296 + tonumber(threadSeq)), cid) end
  end
end
return out
`;

/**
 * ARGV: 1 totals version, 2 max comments. Returns {version, then per comment
 * whose counts changed after ARGV[1]: id, like, love, laugh, wow}; {-1} when
 * the post is missing, {-2} when more than ARGV[2] comments changed.
 */
export const TOTALS_SINCE = `
local base = KEYS[1]
if redis.call('EXISTS', base .. ':meta') == 0 then return {-1} end
local max = tonumber(ARGV[2])
local ids = redis.call('ZRANGEBYSCORE', base .. ':rvc', '(' .. ARGV[1], '+inf', 'LIMIT', 0, max + 1)
if #ids > max then return {-2} end
local out = {tonumber(redis.call('GET', base .. ':rv') or '0')}
for _, cid in ipairs(ids) do
  local counts = redis.call('HMGET', base .. ':rc', cid .. '|like', cid .. '|love', cid .. '|laugh', cid .. '|wow')
  out[#out + 1] = cid
  for k = 1, 4 do out[#out + 1] = tonumber(counts[k]) or 0 end
end
return out
`;

/** Shared by the page reads: appends one comment as 7 values (json, hidden, deleted, like, love, laugh, wow). */
const PUSH_COMMENT = `
local function pushComment(out, base, cid)
  out[#out + 1] = redis.call('HGET', base .. ':c', cid) or ''
  out[#out + 1] = redis.call('SISMEMBER', base .. ':hidden', cid)
  out[#out + 1] = redis.call('SISMEMBER', base .. ':deleted', cid)
  local counts = redis.call('HMGET', base .. ':rc', cid .. '|like', cid .. '|love', cid .. '|laugh', cid .. '|wow')
  for k = 1, 4 do out[#out + 1] = tonumber(counts[k]) or 0 end
end
`;

/**
 * A page of threads without reading the post: ARGV 1 'new'|'top', 2 rank to
 * stay below ('' for the first page), 3 threads, 4 replies per thread.
 * Commands grow with the page (a few per comment in it), never with history.
 * Returns {seq, totals version, threads after the page, last rank or '', n threads,
 * then per thread: reply count, n replies given, its comment and the replies (pushComment),
 * then n pins and the pinned comments}; {-1} when the post is missing, {-2} when its
 * page indexes were never built (REINDEX_PAGES).
 */
export const READ_PAGE = PUSH_COMMENT + `
local base = KEYS[1]
if redis.call('EXISTS', base .. ':meta') == 0 then return {-1} end
-- A post written before the page indexes existed: REINDEX_PAGES first.
if redis.call('HGET', base .. ':meta', 'pages') ~= '1' then return {-2} end
local limit, nReplies = tonumber(ARGV[3]), tonumber(ARGV[4])
local key = base .. (ARGV[1] == 'top' and ':top' or ':threads')
local ranked = redis.call('ZREVRANGEBYSCORE', key, ARGV[2] == '' and '+inf' or ('(' .. ARGV[2]), '-inf', 'WITHSCORES', 'LIMIT', 0, limit)
local n = #ranked / 2
local remaining, lastRank = 0, ''
if n > 0 then
  lastRank = ranked[#ranked]
  remaining = redis.call('ZCOUNT', key, '-inf', '(' .. lastRank)
end
local out = {redis.call('GET', base .. ':seq') or '0', redis.call('GET', base .. ':rv') or '0', remaining, lastRank, n}
for i = 1, #ranked, 2 do
  local cid = ranked[i]
  local rkey = base .. ':r:' .. cid
  local replies = {}
  if nReplies > 0 then replies = redis.call('ZRANGE', rkey, 0, nReplies - 1) end
  out[#out + 1] = redis.call('ZCARD', rkey)
  out[#out + 1] = #replies
  pushComment(out, base, cid)
  for _, rid in ipairs(replies) do pushComment(out, base, rid) end
end
local pins = redis.call('LRANGE', base .. ':pins', 0, -1)
out[#out + 1] = #pins
for _, pid in ipairs(pins) do pushComment(out, base, pid) end
return out
`;

/**
 * ARGV: 1 thread's first comment id, 2 seq to stay above, 3 most replies.
 * Returns {replies after these, n, seq, then each reply (pushComment)}; {-1} when the post is missing.
 */
export const READ_REPLIES = PUSH_COMMENT + `
local base = KEYS[1]
if redis.call('EXISTS', base .. ':meta') == 0 then return {-1} end
if redis.call('HGET', base .. ':meta', 'pages') ~= '1' then return {-2} end
local rkey = base .. ':r:' .. ARGV[1]
local ids = redis.call('ZRANGEBYSCORE', rkey, '(' .. ARGV[2], '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
local remaining = 0
if #ids > 0 then remaining = redis.call('ZCOUNT', rkey, '(' .. ids[#ids], '+inf') end
local out = {remaining, #ids / 2, redis.call('GET', base .. ':seq') or '0'}
for i = 1, #ids, 2 do pushComment(out, base, ids[i]) end
return out
`;

/**
 * Comments after a seq, oldest first: ARGV 1 'all' (:order) | 'threads' (:threads),
 * 2 seq to stay above, 3 limit. Commands grow with the limit, never with history.
 * Returns {comments after these, n, seq, then each comment (pushComment)};
 * {-1} when the post is missing, {-2} when its page indexes were never built.
 */
export const COMMENTS_AFTER = PUSH_COMMENT + `
local base = KEYS[1]
if redis.call('EXISTS', base .. ':meta') == 0 then return {-1} end
if ARGV[1] == 'threads' and redis.call('HGET', base .. ':meta', 'pages') ~= '1' then return {-2} end
local key = base .. (ARGV[1] == 'threads' and ':threads' or ':order')
local ids = redis.call('ZRANGEBYSCORE', key, '(' .. ARGV[2], '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
local remaining = 0
if #ids > 0 then remaining = redis.call('ZCOUNT', key, '(' .. ids[#ids], '+inf') end
local out = {remaining, #ids / 2, redis.call('GET', base .. ':seq') or '0'}
for i = 1, #ids, 2 do pushComment(out, base, ids[i]) end
return out
`;

/**
 * A page of a moment range without reading the post: ARGV 1 from (ms, inclusive),
 * 2 to (ms, exclusive), 3 the cursor's member (zero-padded seq|id) or '', 4 the
 * cursor's moment, 5 most comments. :m holds stamped comments by moment, ties
 * in seq order, so a page is one rank lookup and one index range: O(log n + page).
 * Returns {seq, totals version, 1 if more follow in the range else 0, n, then n
 * comments (pushComment)}; {-1} no such post, {-2} index never built
 * (REINDEX_MOMENTS), {-3} the cursor names no comment at that moment.
 */
export const READ_RANGE = PUSH_COMMENT + `
local base = KEYS[1]
if redis.call('EXISTS', base .. ':meta') == 0 then return {-1} end
if redis.call('HGET', base .. ':meta', 'mindex') ~= '1' then return {-2} end
local key = base .. ':m'
local start = redis.call('ZCOUNT', key, '-inf', '(' .. ARGV[1])
if ARGV[3] ~= '' then
  local score = redis.call('ZSCORE', key, ARGV[3])
  if not score or tonumber(score) ~= tonumber(ARGV[4]) then return {-3} end
  local after = redis.call('ZRANK', key, ARGV[3]) + 1
  if after > start then start = after end
end
local limit, to = tonumber(ARGV[5]), tonumber(ARGV[2])
-- One more than the page: whether the range goes on.
local got = redis.call('ZRANGE', key, start, start + limit, 'WITHSCORES')
local ids, more = {}, 0
for i = 1, #got, 2 do
  if tonumber(got[i + 1]) >= to then break end
  if #ids == limit then more = 1; break end
  local bar = string.find(got[i], '|', 1, true)
  ids[#ids + 1] = string.sub(got[i], bar + 1)
end
local out = {redis.call('GET', base .. ':seq') or '0', redis.call('GET', base .. ':rv') or '0', more, #ids}
for _, cid in ipairs(ids) do pushComment(out, base, cid) end
return out
`;

/**
 * Builds the moment index (:m) of a post written before it existed, once, on
 * its first range read: every stamped comment by moment. O(history) in one
 * step; new posts are marked indexed when created. Returns 1, or 0 for no such post.
 */
export const REINDEX_MOMENTS = `
local base = KEYS[1]
if redis.call('EXISTS', base .. ':meta') == 0 then return 0 end
if redis.call('HGET', base .. ':meta', 'mindex') == '1' then return 1 end
for _, cid in ipairs(redis.call('ZRANGE', base .. ':order', 0, -1)) do
  local json = redis.call('HGET', base .. ':c', cid)
  if json then
    local c = cjson.decode(json)
    if type(c.moment) == 'number' then
      redis.call('ZADD', base .. ':m', c.moment, string.format('%015d', c.seq) .. '|' .. cid)
    end
  end
end
redis.call('HSET', base .. ':meta', 'mindex', '1')
return 1
`;

/**
 * Builds the page indexes of a post written before they existed, once: every
 * comment in seq order gets its thread (and a rootId in its JSON), threads
 * their Top rank. O(history) in one step, so it runs once per such post, on its
 * first page read; new posts are marked indexed when created. Returns 1, or 0
 * for no such post.
 */
export const REINDEX_PAGES = `
local base = KEYS[1]
if redis.call('EXISTS', base .. ':meta') == 0 then return 0 end
if redis.call('HGET', base .. ':meta', 'pages') == '1' then return 1 end
local rootOf = {}
for _, cid in ipairs(redis.call('ZRANGE', base .. ':order', 0, -1)) do
  local json = redis.call('HGET', base .. ':c', cid)
  if json then
    local c = cjson.decode(json)
    if c.parentId == nil or c.parentId == cjson.null then
      rootOf[cid] = cid
      redis.call('ZADD', base .. ':threads', c.seq, cid)
      local counts = redis.call('HMGET', base .. ':rc', cid .. '|like', cid .. '|love', cid .. '|laugh', cid .. '|wow')
      local total = 0
      for k = 1, 4 do total = total + (tonumber(counts[k]) or 0) end
      redis.call('ZADD', base .. ':top', string.format('%.0f', total * 4294967296 + c.seq), cid)
    else
      local root = rootOf[c.parentId] or c.parentId
      rootOf[cid] = root
      redis.call('HSET', base .. ':root', cid, root)
      redis.call('ZADD', base .. ':r:' .. root, c.seq, cid)
      if not string.find(json, '"rootId":', 1, true) then
        redis.call('HSET', base .. ':c', cid, string.sub(json, 1, -2) .. ',"rootId":"' .. root .. '"}')
      end
    end
  end
end
redis.call('HSET', base .. ':meta', 'pages', '1')
return 1
`;

/**
 * KEYS: meta hash. ARGV: 1 createdAt, 2 post id, then field/value pairs. 0 if the post exists, else 1.
 * The posts index is written apart (redis-store.ts createPost): it is in another Cluster slot.
 */
export const CREATE_POST = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
return 1
`;

/** Shared by the moderation scripts: take the next seq and log the event built from it. */
const APPEND = `
local function append(base, logMax, build)
  local seq = redis.call('INCR', base .. ':seq')
  redis.call('XADD', base .. ':log', 'MAXLEN', '~', logMax, '0-' .. seq, 'e', build(seq))
  return seq
end
local function live(base, cid)
  return redis.call('HEXISTS', base .. ':c', cid) == 1 and redis.call('SISMEMBER', base .. ':deleted', cid) == 0
end
`;

/** ARGV: 1 comment id, 2 '1' pin | '0' unpin, 3 max pins, 4 log length. Returns {status, seq, ids...}. */
export const SET_PINNED = APPEND + `
local base, cid = KEYS[1], ARGV[1]
if redis.call('EXISTS', base .. ':meta') == 0 or not live(base, cid) then return {'ERR', 0} end
local key = base .. ':pins'
local has = redis.call('LPOS', key, cid) ~= false
local want = ARGV[2] == '1'
local seq = 0
if has ~= want then
  if want and redis.call('LLEN', key) >= tonumber(ARGV[3]) then return {'FULL', 0} end
  if want then redis.call('RPUSH', key, cid) else redis.call('LREM', key, 0, cid) end
  local ids = redis.call('LRANGE', key, 0, -1)
  seq = append(base, ARGV[4], function(s)
    local quoted = {}
    for i, id in ipairs(ids) do quoted[i] = '"' .. id .. '"' end
    return '{"type":"pins","seq":' .. s .. ',"pinned":[' .. table.concat(quoted, ',') .. ']}'
  end)
end
local out = {'OK', seq}
for _, id in ipairs(redis.call('LRANGE', key, 0, -1)) do out[#out + 1] = id end
return out
`;

/** ARGV: 1 comment id, 2 '1' hide | '0' restore, 3 log length. Returns {status, seq, body}. */
export const SET_HIDDEN = APPEND + `
local base, cid = KEYS[1], ARGV[1]
if redis.call('EXISTS', base .. ':meta') == 0 or not live(base, cid) then return {'ERR', 0, ''} end
local body = cjson.decode(redis.call('HGET', base .. ':c', cid)).body
local changed
if ARGV[2] == '1' then changed = redis.call('SADD', base .. ':hidden', cid) else changed = redis.call('SREM', base .. ':hidden', cid) end
local seq = 0
if changed == 1 then
  seq = append(base, ARGV[3], function(s)
    if ARGV[2] == '1' then return '{"type":"hidden","seq":' .. s .. ',"commentId":"' .. cid .. '"}' end
    return '{"type":"restored","seq":' .. s .. ',"commentId":"' .. cid .. '","body":' .. cjson.encode(body) .. '}'
  end)
end
return {'OK', seq, body}
`;

/** What the moderation log says of a deleted comment (DELETED_COMMENT_DETAIL in @board/shared). */
const DELETED_DETAIL = 'deleted comment';

/**
 * Rewrites the detail (a hidden comment's first words) of every moderation
 * log entry about comment cid, in both lists.
 */
const SCRUB_MOD_LOG = `
local function scrubModLog(base, cid)
  local needle = '"target":"' .. cid .. '"'
  for _, key in ipairs({base .. ':modlog', base .. ':modlog:kept'}) do
    for i, raw in ipairs(redis.call('LRANGE', key, 0, -1)) do
      if string.find(raw, needle, 1, true) then
        local entry = cjson.decode(raw)
        if entry.target == cid and entry.detail ~= cjson.null then
          entry.detail = '${DELETED_DETAIL}'
          redis.call('LSET', key, i - 1, cjson.encode(entry))
        end
      end
    end
  end
end
`;

/**
 * Removes from the replay log every entry that carries comment cid's text:
 * its comment event (entry 0-<its seq>) and the restored and edited events after it.
 */
const SCRUB_TEXT_EVENTS = `
local function scrubTextEvents(base, cid, cseq)
  redis.call('XDEL', base .. ':log', '0-' .. cseq)
  local about = '"commentId":"' .. cid .. '"'
  for _, entry in ipairs(redis.call('XRANGE', base .. ':log', '0-' .. cseq, '+')) do
    local e = entry[2][2]
    if (string.find(e, '{"type":"restored"', 1, true) == 1 or string.find(e, '{"type":"edited"', 1, true) == 1)
      and string.find(e, about, 1, true) then
      redis.call('XDEL', base .. ':log', entry[1])
    end
  end
end
`;

/**
 * ARGV: 1 comment id, 2 log length, 3 author id or ''. Erases the text, keeps a tombstone, unpins,
 * removes the replay log entries that carried the text (its comment event and
 * any restored events after it), and scrubs its first words from the
 * moderation log. Returns {status, seq}.
 */
export const DELETE_COMMENT = APPEND + SCRUB_MOD_LOG + SCRUB_TEXT_EVENTS + `
local base, cid = KEYS[1], ARGV[1]
if redis.call('EXISTS', base .. ':meta') == 0 or not live(base, cid) then return {'ERR', 0} end
local stored = cjson.decode(redis.call('HGET', base .. ':c', cid))
-- ARGV[3]: the author deleting their own ('' for a facilitator), checked in this step.
if ARGV[3] and ARGV[3] ~= '' and stored.author.id ~= ARGV[3] then return {'ERR', 'author'} end
stored.body = ''
stored.editedAt = nil
-- It leaves the report queue (the queue row says so: 'gone').
if redis.call('ZREM', base .. ':reports', cid) == 1 then redis.call('HSET', base .. ':rep:' .. cid, 'status', 'gone') end
redis.call('HSET', base .. ':c', cid, cjson.encode(stored))
redis.call('SADD', base .. ':deleted', cid)
redis.call('SREM', base .. ':hidden', cid)
redis.call('LREM', base .. ':pins', 0, cid)
redis.call('HINCRBY', base .. ':meta', 'commentCount', -1)
scrubTextEvents(base, cid, stored.seq)
scrubModLog(base, cid)
local seq = append(base, ARGV[2], function(s)
  return '{"type":"deleted","seq":' .. s .. ',"commentId":"' .. cid .. '"}'
end)
return {'OK', seq}
`;

/** ARGV: 1 locked '1'|'0'|'' (unchanged), 2 slow-mode seconds or '', 3 log length. Returns {status, seq, locked, slow}. */
export const UPDATE_SETTINGS = APPEND + `
local base = KEYS[1]
local meta = base .. ':meta'
if redis.call('EXISTS', meta) == 0 then return {'ERR', 0, 0, 0} end
local locked = redis.call('HGET', meta, 'locked') or '0'
local slow = redis.call('HGET', meta, 'slowModeSeconds') or '0'
local newLocked = ARGV[1] ~= '' and ARGV[1] or locked
local newSlow = ARGV[2] ~= '' and ARGV[2] or slow
local seq = 0
if newLocked ~= locked or newSlow ~= slow then
  redis.call('HSET', meta, 'locked', newLocked, 'slowModeSeconds', newSlow)
  seq = append(base, ARGV[3], function(s)
    return '{"type":"settings","seq":' .. s .. ',"locked":' .. (newLocked == '1' and 'true' or 'false')
      .. ',"slowModeSeconds":' .. newSlow .. '}'
  end)
end
return {'OK', seq, tonumber(newLocked), tonumber(newSlow)}
`;

/**
 * ARGV: 1 entry JSON, 2 '1' destructive | '0' routine, 3 its list's cap, 4 target or ''.
 * Destructive entries go to a list of their own so routine ones never push them
 * out. Each entry carries `n`, its place in the post's order of entries, so the
 * two lists merge newest first. An entry about a deleted comment loses its words.
 */
export const APPEND_MOD_LOG = `
local base = KEYS[1]
local entry = cjson.decode(ARGV[1])
local target = ARGV[4]
if target ~= '' and entry.detail ~= cjson.null and redis.call('SISMEMBER', base .. ':deleted', target) == 1 then
  entry.detail = '${DELETED_DETAIL}'
end
entry.n = redis.call('INCR', base .. ':modlog:n')
local key = ARGV[2] == '1' and (base .. ':modlog:kept') or (base .. ':modlog')
redis.call('LPUSH', key, cjson.encode(entry))
redis.call('LTRIM', key, 0, tonumber(ARGV[3]) - 1)
return 1
`;

/** ARGV: 1 user id. Returns {'OK'} | {'NO'} (not a facilitator) | {'creator'} | {'post'} (no such post). */
export const REMOVE_HOST = `
local base, uid = KEYS[1], ARGV[1]
if redis.call('EXISTS', base .. ':meta') == 0 then return {'post'} end
if redis.call('HGET', base .. ':meta', 'hostId') == uid then return {'creator'} end
if redis.call('SREM', base .. ':hosts', uid) == 0 then return {'NO'} end
redis.call('HDEL', base .. ':hostnames', uid)
return {'OK'}
`;

/** KEYS: meta hash. ARGV: 1 new hash. 0 when there is no such post, else 1. */
export const SET_HOST_TOKEN = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'hostTokenHash', ARGV[1])
return 1
`;

/** ARGV: 1 least gap between pulse frames (ms). Returns pulseOut (see PULSE). */
export const TAKE_PULSE = PULSE + `
return pulseOut(KEYS[1], ARGV[1])
`;

/**
 * ARGV: 1 the moments JSON the caller read, 2 the new list's JSON, 3 log length.
 * Writes only if the stored list is still the one read. Returns {'OK', seq} | {'STALE', 0} | {'ERR', 0}.
 */
export const SET_MOMENTS = APPEND + `
local base = KEYS[1]
local meta = base .. ':meta'
if redis.call('EXISTS', meta) == 0 then return {'ERR', 0} end
if (redis.call('HGET', meta, 'moments') or '[]') ~= ARGV[1] then return {'STALE', 0} end
redis.call('HSET', meta, 'moments', ARGV[2])
local seq = append(base, ARGV[3], function(s)
  return '{"type":"moments","seq":' .. s .. ',"moments":' .. ARGV[2] .. '}'
end)
return {'OK', seq}
`;

/**
 * ARGV: 1 the clock JSON the caller read ('' for none), 2 the new clock JSON, 3 log length.
 * Writes only if the stored clock is still the one read. Returns {'OK', seq} | {'STALE', 0} | {'ERR', 0}.
 */
export const SET_CLOCK = APPEND + `
local base = KEYS[1]
local meta = base .. ':meta'
if redis.call('EXISTS', meta) == 0 then return {'ERR', 0} end
if (redis.call('HGET', meta, 'clock') or '') ~= ARGV[1] then return {'STALE', 0} end
redis.call('HSET', meta, 'clock', ARGV[2])
local seq = append(base, ARGV[3], function(s)
  return '{"type":"clock","seq":' .. s .. ',"clock":' .. ARGV[2] .. '}'
end)
return {'OK', seq}
`;

/**
 * The author's edit. ARGV: 1 comment id, 2 author id, 3 new body, 4 edit time
 * (ms since the epoch), 5 edit window (ms), 6 log length. Checks and write in
 * one step; the earlier text leaves the replay log (scrubTextEvents).
 * Returns {'OK', seq (0: unchanged), previous body, editedAt} | {'ERR', 'post'|'missing'|'author'|'banned'|'hidden'|'window'|'locked'}.
 */
export const EDIT_COMMENT = APPEND + SCRUB_TEXT_EVENTS + `
local base, cid, uid = KEYS[1], ARGV[1], ARGV[2]
if redis.call('EXISTS', base .. ':meta') == 0 then return {'ERR', 'post'} end
if not live(base, cid) then return {'ERR', 'missing'} end
local c = cjson.decode(redis.call('HGET', base .. ':c', cid))
if c.author.id ~= uid then return {'ERR', 'author'} end
if redis.call('SISMEMBER', base .. ':banned', uid) == 1 then return {'ERR', 'banned'} end
if redis.call('SISMEMBER', base .. ':hidden', cid) == 1 then return {'ERR', 'hidden'} end
if tonumber(ARGV[4]) - c.createdAt > tonumber(ARGV[5]) then return {'ERR', 'window'} end
if redis.call('SISMEMBER', base .. ':hosts', uid) == 0 and redis.call('HGET', base .. ':meta', 'locked') == '1' then
  return {'ERR', 'locked'}
end
local previous = c.body
if previous == ARGV[3] then return {'OK', 0, previous, tostring(c.editedAt or c.createdAt)} end
c.body = ARGV[3]
c.editedAt = tonumber(ARGV[4])
redis.call('HSET', base .. ':c', cid, cjson.encode(c))
scrubTextEvents(base, cid, c.seq)
local seq = append(base, ARGV[6], function(s)
  return '{"type":"edited","seq":' .. s .. ',"commentId":"' .. cid .. '","body":' .. cjson.encode(ARGV[3]) .. ',"editedAt":' .. ARGV[4] .. '}'
end)
return {'OK', seq, previous, ARGV[4]}
`;

/**
 * One report row as 7 values: count, lastAt, hidden (0|1), author name, body,
 * status, and the reasons' counts as one string 'reason=n,reason=n'.
 * Rows live in :rep:<cid> (hash: status, lastAt, r:<reason> counts), reporters in :repu:<cid> (set),
 * open rows in :reports (sorted set by count).
 */
const REPORT_ROW = `
local function reportRow(base, cid)
  local row = redis.call('HGETALL', base .. ':rep:' .. cid)
  local h = {}
  for i = 1, #row, 2 do h[row[i]] = row[i + 1] end
  local reasons = {}
  for k, v in pairs(h) do
    if string.sub(k, 1, 2) == 'r:' then reasons[#reasons + 1] = string.sub(k, 3) .. '=' .. v end
  end
  local c = cjson.decode(redis.call('HGET', base .. ':c', cid) or '{"author":{"name":""},"body":""}')
  return {
    redis.call('SCARD', base .. ':repu:' .. cid), h.lastAt or '0', redis.call('SISMEMBER', base .. ':hidden', cid),
    c.author.name, c.body, h.status or 'open', table.concat(reasons, ','),
  }
end
`;

/**
 * ARGV: 1 comment id, 2 reporter id, 3 reason, 4 time (ms since the epoch).
 * A reporter counts once (SADD); a reviewed row counts no more.
 * Returns {'OK', counted 0|1, reportRow...} | {'ERR', 'missing'|'own'}.
 */
export const REPORT_COMMENT = APPEND + REPORT_ROW + `
local base, cid, uid = KEYS[1], ARGV[1], ARGV[2]
if redis.call('EXISTS', base .. ':meta') == 0 or not live(base, cid) then return {'ERR', 'missing'} end
if cjson.decode(redis.call('HGET', base .. ':c', cid)).author.id == uid then return {'ERR', 'own'} end
local rkey = base .. ':rep:' .. cid
local status = redis.call('HGET', rkey, 'status')
local counted = 0
if (status == false or status == 'open') and redis.call('SADD', base .. ':repu:' .. cid, uid) == 1 then
  counted = 1
  redis.call('HSET', rkey, 'status', 'open', 'lastAt', ARGV[4])
  redis.call('HINCRBY', rkey, 'r:' .. ARGV[3], 1)
  redis.call('ZADD', base .. ':reports', redis.call('SCARD', base .. ':repu:' .. cid), cid)
end
local out = {'OK', counted}
for _, v in ipairs(reportRow(base, cid)) do out[#out + 1] = v end
return out
`;

/** ARGV: 1 most rows. Returns {n, then per open row: comment id, reportRow...}, most reported first. */
export const READ_REPORTS = REPORT_ROW + `
local base = KEYS[1]
local ids = redis.call('ZREVRANGE', base .. ':reports', 0, tonumber(ARGV[1]) - 1)
local out = {#ids}
for _, cid in ipairs(ids) do
  out[#out + 1] = cid
  for _, v in ipairs(reportRow(base, cid)) do out[#out + 1] = v end
end
return out
`;

/** ARGV: 1 comment id, 2 'dismissed'|'confirmed'. Returns {'OK', reportRow...} | {'NO'} (not in the queue). */
export const RESOLVE_REPORTS = REPORT_ROW + `
local base, cid = KEYS[1], ARGV[1]
if redis.call('ZREM', base .. ':reports', cid) == 0 then return {'NO'} end
redis.call('HSET', base .. ':rep:' .. cid, 'status', ARGV[2])
local out = {'OK'}
for _, v in ipairs(reportRow(base, cid)) do out[#out + 1] = v end
return out
`;

/**
 * A post's identity policy (sso/): the fields given, only if the post exists.
 * KEYS[1] meta, KEYS[2] policy hash; ARGV field, value pairs ('' clears host).
 * Returns 0 for no such post, else the policy hash after (HGETALL's flat list), read in the same step.
 */
export const SET_IDENTITY_POLICY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 1, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[2], ARGV[i]) else redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
end
return redis.call('HGETALL', KEYS[2])
`;

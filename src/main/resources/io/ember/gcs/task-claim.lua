-- KEYS: task hash, counts; ARGV: task id, claimer owner, claimer node, max retries, reason, now, prefix,
-- return objects (optional, default 1: a FINISHED task EXISTS only if each of <id>.1..<id>.n has a live copy)
-- Replies {outcome, ..}: outcome is a ClaimOutcome (see TaskTable.claim). FAILED and EXHAUSTED
-- end with the row's failure as its four fields: error errorCode errorType errorSubject ('' =
-- absent; a row written before codes were stored has only error).
-- Validated before the first write (check.lua): a row or set of another type, or an attempts
-- count that is not a number, answers CORRUPT naming it, with nothing written.
local P = ARGV[7]
-- #include check.lua
local t = readHash(KEYS[1], 'HMGET', 'state', 'node', 'owner', 'attempts', 'error', 'errorCode', 'errorType', 'errorSubject')
if not t or not expectNumber(KEYS[1], 'attempts', t[4]) then return corrupt() end
local state, node, owner, attempts, err = t[1], t[2], t[3], tonumber(t[4] or '0'), t[5] or ''
local code, typ, subject = t[6] or '', t[7] or '', t[8] or ''
-- a node whose row is not a hash is not alive
local function alive(n)
  if not n or n == '' then return false end
  local s = redis.pcall('HGET', P .. 'node:' .. n, 'state')
  return s == 'ALIVE'
end
-- the first node holding a live copy of return object i, or nil
local function liveCopy(i)
  local obj = readHash(P .. 'obj:' .. ARGV[1] .. '.' .. i, 'HGETALL') or {}
  for j = 1, #obj, 2 do
    local f = obj[j]
    if string.sub(f, 1, 1) == '@' and alive(string.sub(f, 2)) then return string.sub(f, 2) end
  end
  return nil
end
-- the first live copy of each of the n return objects, or nil when one has none
local function allCopies()
  local first = liveCopy(1)
  for i = 2, tonumber(ARGV[8] or '1') do
    if first and not liveCopy(i) then first = nil end
  end
  return first
end
-- no row: its submission was never recorded, or Redis lost its tables (the rows of the node that
-- ran it are gone, its copies were written back by the resync): a live copy of every return
-- object is its result all the same
if not state then
  local first = allCopies()
  if CORRUPT then return corrupt() end
  if first then return {'EXISTS', first} end
  return {'MISSING'}
end
expectCounts(KEYS[2])
if node then expect(P .. 'node:' .. node .. ':tasks', 'set') end
expect(P .. 'node:' .. ARGV[3] .. ':tasks', 'set')
if CORRUPT then return corrupt() end
if state == 'FAILED' then return {'FAILED', err, code, typ, subject} end
-- a live copy of every return object is the task's result whatever the row says: a QUEUED or
-- RUNNING row with one is stale (Redis came back behind, so the FINISHED write is gone, and the
-- node that ran it wrote back only its copies)
local first = allCopies()
if first then return {'EXISTS', first} end
if state == 'FINISHED' then
  -- no live copy left: claimed below
elseif state == 'QUEUED' or state == 'RUNNING' then
  if alive(node) then return {'IN_PROGRESS', owner or '', node} end
elseif state == 'PENDING' then
  if alive(node) then return {'IN_PROGRESS', owner or '', node} end
end
if attempts >= tonumber(ARGV[4]) then
  return {'EXHAUSTED', tostring(attempts), err, code, typ, subject}
end
local why = ARGV[5]
if err ~= '' then why = err .. '; ' .. why end
if state == 'QUEUED' or state == 'RUNNING' then
  if node then redis.call('SREM', P .. 'node:' .. node .. ':tasks', ARGV[1]) end
end
if redis.call('HINCRBY', KEYS[2], 'task.' .. state, -1) == 0 then redis.call('HDEL', KEYS[2], 'task.' .. state) end
redis.call('HINCRBY', KEYS[2], 'task.QUEUED', 1)
-- the row's error becomes the claim's reason: a text with no code, type or subject
redis.call('HSET', KEYS[1], 'state', 'QUEUED', 'node', ARGV[3], 'owner', ARGV[2], 'attempts', attempts + 1,
  'updatedAt', ARGV[6], 'error', why, 'errorCode', '', 'errorType', '', 'errorSubject', '')
redis.call('SADD', P .. 'node:' .. ARGV[3] .. ':tasks', ARGV[1])
redis.call('PERSIST', KEYS[1]) -- a finished task's lineage was on a timer: it is live again
return {'CLAIMED', tostring(attempts + 1)}

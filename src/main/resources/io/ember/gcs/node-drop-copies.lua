-- KEYS: a DEAD or LEFT node's hash, its objects set, counts
-- ARGV: the node id, prefix, the most copies to drop in this call
-- Drops up to ARGV[3] of the node's object copies from their object rows (an object with no
-- copy left leaves the counts), and answers {dropped, still listed}. Called again until nothing
-- is listed: each call is short, so that Redis answers everyone else in between. Only for a node
-- that is DEAD or LEFT (a live node's copies are real). An object row that is not a hash, or
-- whose size does not decode, is passed over (its copy is gone with the set entry).
local P = ARGV[2]
-- #include check.lua
local state = redis.pcall('HGET', KEYS[1], 'state')
if state ~= 'DEAD' and state ~= 'LEFT' then return redis.error_reply('NOT_DEAD node ' .. ARGV[1] .. ' is not DEAD or LEFT') end
expect(KEYS[2], 'set')
expectCounts(KEYS[3])
if CORRUPT then return corrupt() end
local function bump(field, n)
  if redis.call('HINCRBY', KEYS[3], field, n) == 0 then redis.call('HDEL', KEYS[3], field) end
end
local dropped = 0
for _, oid in ipairs(redis.call('SPOP', KEYS[2], tonumber(ARGV[3]))) do
  local okey = P .. 'obj:' .. oid
  local t = redis.call('TYPE', okey)
  if (t.ok or t) == 'hash' and redis.call('HDEL', okey, '@' .. ARGV[1]) == 1 then
    dropped = dropped + 1
    local size = tonumber(redis.call('HGET', okey, 'size') or '0')
    if redis.call('HLEN', okey) <= 4 and size then   -- only the four fixed fields left: no copy anywhere
      bump('objects', -1)
      bump('objectBytes', -size)
    end
  end
end
return {dropped, redis.call('SCARD', KEYS[2])}

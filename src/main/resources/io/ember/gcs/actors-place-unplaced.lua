-- KEYS: leader, counts; ARGV: lease value, now, prefix
-- Validated before the first write (check.lua): CORRUPT naming the key, nothing written.
local P = ARGV[3]
-- #include place.lua
-- #include check.lua
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('NOT_LEADER') end
expect(P .. 'nodes', 'set')
local unplaced = membersOf(P .. 'actors:unplaced')
for _, aid in ipairs(unplaced) do
  local a = readHash(P .. 'actor:' .. aid, 'HMGET', 'incarnation')
  if a then expectNumber(P .. 'actor:' .. aid, 'incarnation', a[1]) end
end
if CORRUPT then return corrupt() end
local moved = {}
for _, aid in ipairs(unplaced) do
  local akey = P .. 'actor:' .. aid
  local a = redis.call('HMGET', akey, 'node', 'state', 'resources', 'incarnation')
  if a[2] ~= 'RESTARTING' or (a[1] and a[1] ~= '') then
    redis.call('SREM', P .. 'actors:unplaced', aid)
  else
    local target = place(a[3], '')
    if target then
      redis.call('HSET', akey, 'node', target, 'updatedAt', ARGV[2])
      redis.call('SADD', P .. 'node:' .. target .. ':actors', aid)
      redis.call('SREM', P .. 'actors:unplaced', aid)
      moved[#moved + 1] = {aid, target, tonumber(a[4])}
    end
  end
end
return cjson.encode({actors = moved})

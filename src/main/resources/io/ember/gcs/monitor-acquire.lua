-- KEYS: node hash, leader, term; ARGV: node id, epoch, ttl ms
-- Takes or renews the monitor lease: the term if this node leads, 0 if another does, -1 if fenced.
local n = redis.call('HMGET', KEYS[1], 'epoch', 'state')
if n[1] ~= ARGV[2] or n[2] ~= 'ALIVE' then return -1 end
local cur = redis.call('GET', KEYS[2])
if cur then
  local node, term = string.match(cur, '^(.-)|(%d+)$')
  if node == ARGV[1] then
    redis.call('PEXPIRE', KEYS[2], ARGV[3])
    return tonumber(term)
  end
  return 0
end
local term = redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[2], ARGV[1] .. '|' .. term, 'PX', ARGV[3])
return term

-- KEYS: row, checkpoints, log; ARGV: upto (index of the last entry wanted; -1 = all)
-- Replies false if there is no row, else {row, checkpointPosition, checkpoint, from, entries}.
-- Checked first (check.lua): a key of another type, or a position or logBase that is not a
-- number, answers CORRUPT naming it.
-- #include check.lua
expect(KEYS[1], 'hash')
expect(KEYS[2], 'hash')
expect(KEYS[3], 'list')
if CORRUPT then return corrupt() end
local row = redis.call('HGETALL', KEYS[1])
if #row == 0 then return false end
local base = redis.call('HGET', KEYS[1], 'logBase')
for _, p in ipairs(redis.call('HKEYS', KEYS[2])) do expectNumber(KEYS[2], 'position', p) end
if not expectNumber(KEYS[1], 'logBase', base) or CORRUPT then return corrupt() end
base = tonumber(base or '0')
local upto = tonumber(ARGV[1])
local best = -1
for _, p in ipairs(redis.call('HKEYS', KEYS[2])) do
  local n = tonumber(p)
  if (upto < 0 or n <= upto) and n > best then best = n end
end
local blob = ''
local from = base
if best >= 0 then
  blob = redis.call('HGET', KEYS[2], string.format('%d', best))
  from = best
end
local entries = {}
if from >= base and (upto < 0 or upto >= from) then
  local stop = -1
  if upto >= 0 then stop = upto - base end
  entries = redis.call('LRANGE', KEYS[3], from - base, stop)
end
return {row, best, blob, from, entries}

-- KEYS: leader; ARGV: lease value <node>|<term>. Drops the lease if it is still ours.
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0

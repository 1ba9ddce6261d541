package io.ember.gcs;

import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The GCS side of failure recovery, each step one atomic Lua script, each idempotent:
 * <ul>
 *   <li><b>Leader lease</b> ({@code ember:monitor:leader} = {@code <node>|<term>}, with a TTL;
 *       {@code ember:monitor:term} counts terms). Only a node that is ALIVE at its current epoch
 *       can take it; a leader's cleanup scripts check that the lease is still its own, so a
 *       deposed or frozen leader's late actions are refused (fenced by term).</li>
 *   <li><b>Declare dead</b>: marks the node DEAD (which also fences its own writer), removes it
 *       from every object location set, moves its queued and running tasks to LOST, and logs
 *       the recovery. Running it twice changes nothing the second time.</li>
 *   <li><b>Claim</b> a task for re-execution: one claimer cluster-wide wins while the others
 *       are told who is running it, so two nodes needing the same lost object start one
 *       re-execution. Refused once the task's system-failure retries are spent.</li>
 * </ul>
 */
public final class Recovery {
  static final String LEADER = Keys.PREFIX + "monitor:leader";
  static final String TERM = Keys.PREFIX + "monitor:term";

  private static final String ACQUIRE = """
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
      """;

  private static final String RELEASE = """
      if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
      return 0
      """;

  // KEYS: leader, dead node hash, its tasks set, its objects set, counts, recoveries
  // ARGV: lease value, dead node id, now, reason, prefix
  private static final String DECLARE_DEAD = """
      if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('NOT_LEADER') end
      local P = ARGV[5]
      local dead, now, reason = ARGV[2], ARGV[3], ARGV[4]
      local state = redis.call('HGET', KEYS[2], 'state')
      if not state then return cjson.encode({unknown = true}) end
      local already = state == 'DEAD'
      if not already then
        redis.call('HSET', KEYS[2], 'state', 'DEAD', 'deadAt', now, 'deadReason', reason)
      end
      local function bump(field, n)
        if redis.call('HINCRBY', KEYS[5], field, n) == 0 then redis.call('HDEL', KEYS[5], field) end
      end
      local dropped = 0
      for _, oid in ipairs(redis.call('SMEMBERS', KEYS[4])) do
        local okey = P .. 'obj:' .. oid
        if redis.call('HDEL', okey, '@' .. dead) == 1 then
          dropped = dropped + 1
          if redis.call('HLEN', okey) <= 4 then   -- only the four fixed fields left: no copy anywhere
            bump('objects', -1)
            bump('objectBytes', -tonumber(redis.call('HGET', okey, 'size') or '0'))
          end
        end
      end
      redis.call('DEL', KEYS[4])
      local lost = {}
      for _, tid in ipairs(redis.call('SMEMBERS', KEYS[3])) do
        local tkey = P .. 'task:' .. tid
        local t = redis.call('HMGET', tkey, 'state', 'node')
        if (t[1] == 'QUEUED' or t[1] == 'RUNNING') and t[2] == dead then
          redis.call('HSET', tkey, 'state', 'LOST', 'updatedAt', now, 'error', 'node ' .. dead .. ' died: ' .. reason)
          bump('task.' .. t[1], -1)
          bump('task.LOST', 1)
          lost[#lost + 1] = tid
        end
      end
      redis.call('DEL', KEYS[3])
      if not already or dropped > 0 or #lost > 0 then
        local entry = cjson.encode({kind = 'node-dead', node = dead, reason = reason, at = tonumber(now),
          objectsDropped = dropped, tasksLost = #lost, by = ARGV[1]})
        redis.call('LPUSH', KEYS[6], entry)
        redis.call('LTRIM', KEYS[6], 0, 999)
      end
      return cjson.encode({alreadyDead = already, objectsDropped = dropped, lost = lost})
      """;

  // KEYS: task hash, counts; ARGV: task id, claimer owner, claimer node, max retries, reason, now, prefix
  private static final String CLAIM = """
      local P = ARGV[7]
      local t = redis.call('HMGET', KEYS[1], 'state', 'node', 'owner', 'attempts', 'error')
      local state, node, owner, attempts, err = t[1], t[2], t[3], tonumber(t[4] or '0'), t[5] or ''
      if not state then return {'MISSING'} end
      local function alive(n)
        return n and n ~= '' and redis.call('HGET', P .. 'node:' .. n, 'state') == 'ALIVE'
      end
      if state == 'FAILED' then return {'FAILED', err} end
      if state == 'FINISHED' then
        local obj = redis.call('HGETALL', P .. 'obj:' .. ARGV[1] .. '.1')
        for i = 1, #obj, 2 do
          local f = obj[i]
          if string.sub(f, 1, 1) == '@' and alive(string.sub(f, 2)) then return {'EXISTS', string.sub(f, 2)} end
        end
      elseif state == 'QUEUED' or state == 'RUNNING' then
        if alive(node) then return {'IN_PROGRESS', owner or '', node} end
      elseif state == 'PENDING' then
        if alive(node) then return {'IN_PROGRESS', owner or '', node} end
      end
      if attempts >= tonumber(ARGV[4]) then
        return {'EXHAUSTED', tostring(attempts), err}
      end
      local why = ARGV[5]
      if err ~= '' then why = err .. '; ' .. why end
      if state == 'QUEUED' or state == 'RUNNING' then
        if node then redis.call('SREM', P .. 'node:' .. node .. ':tasks', ARGV[1]) end
      end
      if redis.call('HINCRBY', KEYS[2], 'task.' .. state, -1) == 0 then redis.call('HDEL', KEYS[2], 'task.' .. state) end
      redis.call('HINCRBY', KEYS[2], 'task.QUEUED', 1)
      redis.call('HSET', KEYS[1], 'state', 'QUEUED', 'node', ARGV[3], 'owner', ARGV[2], 'attempts', attempts + 1,
        'updatedAt', ARGV[6], 'error', why)
      redis.call('SADD', P .. 'node:' .. ARGV[3] .. ':tasks', ARGV[1])
      redis.call('PERSIST', KEYS[1]) -- a finished task's lineage was on a timer: it is live again
      return {'CLAIMED', tostring(attempts + 1)}
      """;

  private final Redis redis;

  Recovery(Redis redis) {
    this.redis = redis;
  }

  public static Recovery of(Gcs gcs) {
    return new Recovery(gcs.client());
  }

  /** Takes or renews the monitor lease; returns the term (> 0) if this node leads, 0 if another does, -1 if fenced. */
  public Future<Long> acquireLeadership(NodeId node, long epoch, long ttlMs) {
    return redis.send(Request.cmd(Command.EVAL).arg(ACQUIRE).arg(3).arg(Keys.node(node)).arg(LEADER).arg(TERM)
        .arg(node.value()).arg(epoch).arg(ttlMs)).map(Response::toLong);
  }

  public Future<Boolean> releaseLeadership(NodeId node, long term) {
    return redis.send(Request.cmd(Command.EVAL).arg(RELEASE).arg(1).arg(LEADER).arg(node.value() + "|" + term))
        .map(r -> r.toLong() == 1);
  }

  /** The current lease value ({@code <node>|<term>}) or null. */
  public Future<String> leader() {
    return redis.send(Request.cmd(Command.GET).arg(LEADER)).map(r -> r == null ? null : r.toString());
  }

  /**
   * Declares {@code dead} dead as leader {@code (leader, term)}: fails with NOT_LEADER if the
   * lease is no longer ours. Returns {@code {alreadyDead, objectsDropped, lost:[taskIds]}}.
   */
  public Future<JsonObject> declareDead(NodeId leader, long term, NodeId dead, String reason, long now) {
    Request r = Request.cmd(Command.EVAL).arg(DECLARE_DEAD).arg(6).arg(LEADER).arg(Keys.node(dead)).arg(Keys.nodeTasks(dead))
        .arg(Keys.nodeObjects(dead)).arg(Keys.COUNTS).arg(Keys.RECOVERIES)
        .arg(leader.value() + "|" + term).arg(dead.value()).arg(now).arg(reason).arg(Keys.PREFIX);
    return redis.send(r).map(res -> {
      JsonObject o = new JsonObject(res.toString());
      if (o.getValue("lost") instanceof JsonObject) o.put("lost", new io.vertx.core.json.JsonArray()); // cjson encodes {} for empty
      return o;
    });
  }

  /** The outcome of a claim. */
  public record Claim(String outcome, String owner, String node, int attempts, String error) {
    public boolean claimed() {
      return "CLAIMED".equals(outcome);
    }
  }

  /**
   * Claims task {@code id} for re-execution by {@code claimerOwner} on {@code claimerNode}, as
   * its {@code attempts+1}-th attempt, unless it is running on a live node, its result still
   * has a live copy, it failed in user code, or {@code maxRetries} re-executions were spent.
   */
  public Future<Claim> claim(TaskId id, String claimerOwner, NodeId claimerNode, int maxRetries, String reason, long now) {
    Request r = Request.cmd(Command.EVAL).arg(CLAIM).arg(2).arg(Keys.task(id)).arg(Keys.COUNTS)
        .arg(id.toString()).arg(claimerOwner).arg(claimerNode.value()).arg(maxRetries).arg(reason).arg(now).arg(Keys.PREFIX);
    return redis.send(r).map(res -> {
      String outcome = res.get(0).toString();
      return switch (outcome) {
        case "CLAIMED" -> new Claim(outcome, claimerOwner, claimerNode.value(), Integer.parseInt(res.get(1).toString()), null);
        case "IN_PROGRESS" -> new Claim(outcome, res.get(1).toString(), res.get(2).toString(), 0, null);
        case "EXISTS" -> new Claim(outcome, null, res.get(1).toString(), 0, null);
        case "FAILED" -> new Claim(outcome, null, null, 0, res.get(1).toString());
        case "EXHAUSTED" -> new Claim(outcome, null, null, Integer.parseInt(res.get(1).toString()), res.get(2).toString());
        default -> new Claim(outcome, null, null, 0, null);
      };
    });
  }
}

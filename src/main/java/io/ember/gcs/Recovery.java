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

  /**
   * Lua helpers shared by the scripts that recreate actors: {@code place(resourcesJson, exclude)}
   * picks the ALIVE node (not {@code exclude}) that has every resource the actor asks for
   * (including {@code node:<id>} and {@code node:<name>}) and hosts the fewest actors.
   * Expects {@code P} (the key prefix).
   */
  private static final String PLACE_LUA = """
      local cands = nil
      local function candidates(exclude)
        if cands then return cands end
        cands = {}
        for _, n in ipairs(redis.call('SMEMBERS', P .. 'nodes')) do
          if n ~= exclude then
            local h = redis.call('HMGET', P .. 'node:' .. n, 'state', 'resources', 'name')
            if h[1] == 'ALIVE' then
              local ok, res = pcall(cjson.decode, h[2] or '{}')
              if not ok or type(res) ~= 'table' then res = {} end
              res['node:' .. n] = 1
              if h[3] and h[3] ~= '' then res['node:' .. h[3]] = 1 end
              cands[#cands + 1] = {id = n, res = res, count = redis.call('SCARD', P .. 'node:' .. n .. ':actors')}
            end
          end
        end
        return cands
      end
      local function place(resJson, exclude)
        local ok, need = pcall(cjson.decode, resJson or '{}')
        if not ok or type(need) ~= 'table' then need = {} end
        local best = nil
        for _, c in ipairs(candidates(exclude)) do
          local fits = true
          for k, v in pairs(need) do
            if (tonumber(v) or 0) > 0 and (tonumber(c.res[k]) or 0) < tonumber(v) then fits = false end
          end
          if fits and (not best or c.count < best.count) then best = c end
        end
        if not best then return nil end
        best.count = best.count + 1
        return best.id
      end
      """;

  // KEYS: leader, dead node hash, its tasks set, its objects set, counts, recoveries, its actors set
  // ARGV: lease value, dead node id, now, reason, prefix
  private static final String DECLARE_DEAD = "local P = ARGV[5]\n" + PLACE_LUA + """
      if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('NOT_LEADER') end
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
      -- its actors: recreated on another live node (a new incarnation), or dead once their restart budget is spent
      local moved, gone, unplaced = {}, {}, 0
      for _, aid in ipairs(redis.call('SMEMBERS', KEYS[7])) do
        local akey = P .. 'actor:' .. aid
        local a = redis.call('HMGET', akey, 'node', 'state', 'restarts', 'maxRestarts', 'resources', 'incarnation')
        if a[1] == dead and (a[2] == 'ALIVE' or a[2] == 'RESTARTING') then
          local restarts, maxr = tonumber(a[3] or '0') + 1, tonumber(a[4] or '-1')
          if maxr >= 0 and restarts > maxr then
            local why = 'its restart budget (' .. maxr .. ') is spent and node ' .. dead .. ' died (' .. reason .. ')'
            redis.call('HSET', akey, 'state', 'DEAD', 'error', why, 'node', '', 'updatedAt', now)
            bump('actor.' .. a[2], -1)
            bump('actor.DEAD', 1)
            gone[#gone + 1] = {aid, why}
          else
            local target = place(a[5], dead)
            local inc = tonumber(a[6] or '1') + 1
            redis.call('HSET', akey, 'state', 'RESTARTING', 'restarts', restarts, 'incarnation', inc,
              'node', target or '', 'updatedAt', now)
            if a[2] ~= 'RESTARTING' then
              bump('actor.' .. a[2], -1)
              bump('actor.RESTARTING', 1)
            end
            if target then
              redis.call('SADD', P .. 'node:' .. target .. ':actors', aid)
              moved[#moved + 1] = {aid, target, inc}
            else
              redis.call('SADD', P .. 'actors:unplaced', aid)
              unplaced = unplaced + 1
            end
          end
        end
      end
      redis.call('DEL', KEYS[7])
      if not already or dropped > 0 or #lost > 0 or #moved > 0 or #gone > 0 then
        local entry = cjson.encode({kind = 'node-dead', node = dead, reason = reason, at = tonumber(now),
          objectsDropped = dropped, tasksLost = #lost, actorsMoved = #moved, actorsDead = #gone,
          actorsUnplaced = unplaced, by = ARGV[1]})
        redis.call('LPUSH', KEYS[6], entry)
        redis.call('LTRIM', KEYS[6], 0, 999)
      end
      return cjson.encode({alreadyDead = already, objectsDropped = dropped, lost = lost, actors = moved, actorsDead = gone})
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

  // KEYS: leader, counts; ARGV: lease value, now, prefix
  private static final String PLACE_UNPLACED = "local P = ARGV[3]\n" + PLACE_LUA + """
      if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('NOT_LEADER') end
      local moved = {}
      for _, aid in ipairs(redis.call('SMEMBERS', P .. 'actors:unplaced')) do
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
    Request r = Request.cmd(Command.EVAL).arg(DECLARE_DEAD).arg(7).arg(LEADER).arg(Keys.node(dead)).arg(Keys.nodeTasks(dead))
        .arg(Keys.nodeObjects(dead)).arg(Keys.COUNTS).arg(Keys.RECOVERIES).arg(Keys.nodeActors(dead))
        .arg(leader.value() + "|" + term).arg(dead.value()).arg(now).arg(reason).arg(Keys.PREFIX);
    return redis.send(r).map(res -> {
      JsonObject o = new JsonObject(res.toString());
      for (String k : new String[] {"lost", "actors", "actorsDead"}) {
        if (!(o.getValue(k) instanceof io.vertx.core.json.JsonArray)) o.put(k, new io.vertx.core.json.JsonArray()); // cjson encodes {} for empty
      }
      return o;
    });
  }

  /**
   * As leader {@code (leader, term)}: places the actors that no live node could host when their
   * node died. Returns {@code [[actorId, node, incarnation], ..]} for those now placed.
   */
  public Future<io.vertx.core.json.JsonArray> placeUnplacedActors(NodeId leader, long term, long now) {
    Request r = Request.cmd(Command.EVAL).arg(PLACE_UNPLACED).arg(2).arg(LEADER).arg(Keys.COUNTS)
        .arg(leader.value() + "|" + term).arg(now).arg(Keys.PREFIX);
    return redis.send(r).map(res -> {
      Object a = new JsonObject(res.toString()).getValue("actors");
      return a instanceof io.vertx.core.json.JsonArray arr ? arr : new io.vertx.core.json.JsonArray();
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

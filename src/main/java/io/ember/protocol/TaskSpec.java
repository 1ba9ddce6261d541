package io.ember.protocol;

import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Everything needed to run a task again anywhere: this is the lineage kept in the task table.
 * {@code owner} is the client id whose inbox gets the result (and which answers waits for it);
 * {@code attempt} counts system-failure re-executions. {@code numReturns} is how many objects the
 * task creates ({@code <id>.1} to {@code <id>.<numReturns>}); a re-run creates them all again.
 */
public record TaskSpec(
    TaskId id,
    JobId job,
    String function,
    List<Arg> args,
    Map<String, Double> resources,
    int maxRetries,
    boolean retryExceptions,
    ClientId owner,
    int attempt,
    int numReturns) {

  public TaskSpec {
    if (numReturns < 1) throw new IllegalArgumentException("a task returns at least one object, got numReturns " + numReturns);
  }

  /** A spec with one return value. */
  public TaskSpec(TaskId id, JobId job, String function, List<Arg> args, Map<String, Double> resources, int maxRetries,
      boolean retryExceptions, ClientId owner, int attempt) {
    this(id, job, function, args, resources, maxRetries, retryExceptions, owner, attempt, 1);
  }

  /** One argument: an encoded value, or a reference to an object. */
  public record Arg(Buffer value, ObjectId ref) {
    public static Arg value(Buffer encoded) {
      return new Arg(encoded, null);
    }

    public static Arg ref(ObjectId id) {
      return new Arg(null, id);
    }

    public boolean isRef() {
      return ref != null;
    }

    /** Writes an argument list (count, then each as a tagged value or object id): tasks, actor calls and the method log share it. */
    public static void encodeAll(Buffer b, List<Arg> args) {
      b.appendInt(args.size());
      for (Arg a : args) {
        if (a.isRef()) {
          b.appendByte((byte) 1);
          Wire.putObject(b, a.ref());
        } else {
          b.appendByte((byte) 0);
          Wire.putBytes(b, a.value());
        }
      }
    }

    /** Reads what {@link #encodeAll} wrote; a JVM method takes at most 255 arguments, so a larger count is refused. */
    public static List<Arg> decodeAll(Wire w) {
      int n = w.getInt();
      if (n < 0 || n > 255) throw new IllegalArgumentException("an argument count is 0..255, got " + n);
      List<Arg> args = new ArrayList<>(n);
      for (int i = 0; i < n; i++) args.add(w.getByte() == 1 ? ref(w.getObject()) : value(w.getBytes()));
      return args;
    }
  }

  /** The task's first (or only) return object. */
  public ObjectId returnId() {
    return ObjectId.of(id, 1);
  }

  /** The task's return objects, in order. */
  public List<ObjectId> returnIds() {
    List<ObjectId> out = new ArrayList<>(numReturns);
    for (int i = 1; i <= numReturns; i++) out.add(ObjectId.of(id, i));
    return out;
  }

  public TaskSpec withAttempt(int n) {
    return new TaskSpec(id, job, function, args, resources, maxRetries, retryExceptions, owner, n, numReturns);
  }

  /** The same task, owned by {@code newOwner} (who receives its result), at attempt {@code n}. */
  public TaskSpec ownedBy(ClientId newOwner, int n) {
    return new TaskSpec(id, job, function, args, resources, maxRetries, retryExceptions, newOwner, n, numReturns);
  }

  public Buffer encode() {
    int size = 100 + function.length() * 3;
    for (Arg a : args) size += a.isRef() ? 21 : 5 + a.value().length();
    Buffer b = Buffer.buffer(size); // sized up front: growing it showed in profiles
    encodeTo(b);
    return b;
  }

  public void encodeTo(Buffer b) {
    Wire.putTask(b, id);
    b.appendLong(job.hi()).appendLong(job.lo());
    Wire.putString(b, function);
    Arg.encodeAll(b, args);
    b.appendInt(resources.size());
    for (Map.Entry<String, Double> e : resources.entrySet()) {
      Wire.putString(b, e.getKey());
      b.appendDouble(e.getValue());
    }
    b.appendInt(maxRetries).appendByte((byte) (retryExceptions ? 1 : 0));
    Wire.putClient(b, owner);
    b.appendInt(attempt);
    b.appendInt(numReturns);
  }

  /** A spec as the task table stores it; a row written before {@code numReturns} existed ends before it (one return). */
  public static TaskSpec decodeBuffer(Buffer b) {
    Wire w = new Wire(b, 0);
    return decode(w, () -> w.position() < b.length());
  }

  public static TaskSpec decode(Wire w) {
    return decode(w, () -> true);
  }

  private static TaskSpec decode(Wire w, BooleanSupplier hasNumReturns) {
    TaskId id = w.getTask();
    JobId job = new JobId(w.getLong(), w.getLong());
    String function = w.getString();
    List<Arg> args = Arg.decodeAll(w);
    int r = w.getInt();
    Map<String, Double> resources = new LinkedHashMap<>();
    for (int i = 0; i < r; i++) resources.put(w.getString(), w.getDouble());
    int maxRetries = w.getInt();
    boolean retryExceptions = w.getBoolean();
    ClientId owner = w.getClient();
    int attempt = w.getInt();
    int numReturns = hasNumReturns.getAsBoolean() ? w.getInt() : 1;
    return new TaskSpec(id, job, function, args, resources, maxRetries, retryExceptions, owner, attempt, numReturns);
  }
}

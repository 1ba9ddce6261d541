package io.ember.client;

import io.ember.api.ObjectRef;
import io.ember.ids.ObjectId;
import io.ember.protocol.TaskSpec;
import io.ember.serial.Values;
import java.util.ArrayList;
import java.util.List;

/** How a call's arguments travel in a spec: an object reference by id, any other value encoded with {@link Values}. */
final class TaskArgs {
  private TaskArgs() {}

  static List<TaskSpec.Arg> encode(Object[] args) {
    List<TaskSpec.Arg> encoded = new ArrayList<>(args.length);
    for (Object a : args) {
      if (a instanceof ObjectRefImpl<?> r) encoded.add(TaskSpec.Arg.ref(r.id));
      else if (a instanceof ObjectRef<?> r) encoded.add(TaskSpec.Arg.ref(ObjectId.parse(r.id())));
      else encoded.add(TaskSpec.Arg.value(Values.encode(a)));
    }
    return encoded;
  }
}

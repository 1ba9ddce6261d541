package io.ember.protocol;

import io.ember.ids.NodeId;
import io.ember.ids.TaskId;

/** The acting monitor placed {@code actor} on {@code node} as incarnation {@code incarnation}. */
public record ActorPlacement(TaskId actor, NodeId node, long incarnation) {}

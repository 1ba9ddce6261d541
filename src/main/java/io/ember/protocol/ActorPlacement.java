package io.ember.protocol;

import io.ember.ids.ActorId;
import io.ember.ids.NodeId;

/** The acting monitor placed {@code actor} on {@code node} as incarnation {@code incarnation}. */
public record ActorPlacement(ActorId actor, NodeId node, long incarnation) {}

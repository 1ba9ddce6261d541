package io.ember.protocol;

import io.ember.ids.TaskId;

/** An actor that will not be recreated (its restart budget is spent), and why. */
public record ActorDeath(TaskId actor, String reason) {}

package io.ember.protocol;

import io.ember.ids.ActorId;

/** An actor that will not be recreated (its restart budget is spent), and why. */
public record ActorDeath(ActorId actor, String reason) {}

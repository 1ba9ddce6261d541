package io.ember.gcs;

/**
 * What a node's writer asks when Redis no longer knows its epoch (the write script answered
 * {@code RESYNC}: the node's row is gone, or older than the writer's epoch): Redis's reason, the
 * epoch it no longer knows, when ({@code System.nanoTime}) this node was last proven current
 * (the send time of its newest batch Redis applied). The answer decides resync or fence
 * ({@code node.ResyncRule}).
 */
public record ResyncAsk(String reason, long epoch, long currentSinceNanos) {}

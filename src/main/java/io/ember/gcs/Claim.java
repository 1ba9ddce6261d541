package io.ember.gcs;

import io.ember.ids.ClientId;

/**
 * The outcome of a claim and what came with it: {@code owner} and {@code node} running it
 * (IN_PROGRESS; the claimer's own for CLAIMED), {@code node} holding its result (EXISTS),
 * {@code attempts} (the claimed attempt for CLAIMED, those spent for EXHAUSTED) and the
 * row's recorded {@code failure} (FAILED: the failure of its code; EXHAUSTED: the last reason
 * recorded, often a node death with no code). Absent parts are null or 0 (an IN_PROGRESS row
 * whose submit was never applied has no owner).
 */
public record Claim(ClaimOutcome outcome, ClientId owner, String node, int attempts, TaskFailure failure) {
}

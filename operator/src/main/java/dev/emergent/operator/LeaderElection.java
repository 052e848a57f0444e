package dev.emergent.operator;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;

/**
 * Several operator replicas may run; the one holding this Lease reconciles, the others wait (active
 * in the prod profile, as quarkus.operator-sdk.activate-leader-election-for-profiles says).
 */
@Singleton
public class LeaderElection extends LeaderElectionConfiguration {
  public LeaderElection() {
    super("emergent-operator-lease");
  }
}

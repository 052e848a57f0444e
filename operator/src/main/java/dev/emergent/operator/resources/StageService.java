package dev.emergent.operator.resources;

import dev.emergent.plan.LaunchEnvironment;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/**
 * Headless Service of one attempt: gives every pod of the Indexed Job a DNS name, {@code
 * <job>-<index>.<service>}, so that ranks find rank 0.
 */
public final class StageService {
  private StageService() {}

  public static Service desired(StageAttempt attempt, int progressPort) {
    return new ServiceBuilder()
        .withMetadata(attempt.metadata(attempt.name()))
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(attempt.labels())
        .addNewPort()
        .withName("rendezvous")
        .withPort(LaunchEnvironment.COORDINATOR_PORT)
        .endPort()
        .addNewPort()
        .withName("progress")
        .withPort(progressPort)
        .endPort()
        .endSpec()
        .build();
  }
}

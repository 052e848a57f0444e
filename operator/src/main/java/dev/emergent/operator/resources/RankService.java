package dev.emergent.operator.resources;

import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.plan.LaunchEnvironment;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/**
 * Headless Service of a run's trainer pods: every pod of every attempt's Indexed Job names it as
 * its subdomain, which gives it the DNS name {@code <job>-<index>.<service>}, so that ranks find
 * rank 0. Attempts' Jobs have distinct names, so the pods of a finishing attempt never answer for
 * the next one's.
 */
public final class RankService {
  private RankService() {}

  public static Service desired(TrainingRun run, int progressPort) {
    String name = run.getMetadata().getName();
    return new ServiceBuilder()
        .withMetadata(StageAttempt.runMetadata(run, Names.ranks(name)))
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(Labels.run(name))
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

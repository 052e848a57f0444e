package dev.emergent.operator.resources;

import dev.emergent.api.v1alpha1.TrainingRun;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The shared secret with which the ranks of a run recognise each other. One per run, not per
 * attempt: every attempt of every stage is the same run's code on the same checkpoints, so a token
 * of their own would guard nothing more and cost a write per attempt.
 */
public final class RunTokenSecret {
  public static final String KEY = "token";
  private static final SecureRandom RANDOM = new SecureRandom();

  private RunTokenSecret() {}

  public static Secret desired(TrainingRun run) {
    byte[] token = new byte[32];
    RANDOM.nextBytes(token);
    return new SecretBuilder()
        .withMetadata(StageAttempt.runMetadata(run, Names.token(run.getMetadata().getName())))
        .withImmutable(true)
        .addToStringData(KEY, HexFormat.of().formatHex(token))
        .build();
  }
}

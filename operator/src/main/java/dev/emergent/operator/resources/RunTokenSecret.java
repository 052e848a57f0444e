package dev.emergent.operator.resources;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The shared secret with which the ranks of one attempt recognise each other. */
public final class RunTokenSecret {
  public static final String KEY = "token";
  private static final SecureRandom RANDOM = new SecureRandom();

  private RunTokenSecret() {}

  public static Secret desired(StageAttempt attempt) {
    byte[] token = new byte[32];
    RANDOM.nextBytes(token);
    return new SecretBuilder()
        .withMetadata(attempt.metadata(Names.secret(attempt.name())))
        .withImmutable(true)
        .addToStringData(KEY, HexFormat.of().formatHex(token))
        .build();
  }
}

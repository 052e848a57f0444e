package dev.emergent.operator.resources;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names of everything the operator creates, in one place. A stage attempt's Job has a name of at
 * most 52 characters, so that pod hostnames ({@code <job>-<index>}) and pod names stay valid DNS
 * labels, and so has the run's Service, the pods' subdomain; longer names are cut and end in a hash
 * of the full name.
 */
public final class Names {
  static final int MAX_BASE = 52;

  private Names() {}

  /** Base name of one attempt of a stage: {@code <run>-<stage>-<attempt>}. */
  public static String attempt(String run, String stage, int attempt) {
    return shorten(run + "-" + stage + "-" + attempt, MAX_BASE);
  }

  /** The run's headless Service and NetworkPolicy: {@code <run>-ranks}. */
  public static String ranks(String run) {
    return shorten(run + "-ranks", MAX_BASE);
  }

  /** The Secret with the run token. */
  public static String token(String run) {
    return shorten(run + "-token", 253);
  }

  /** The checkpoint claim the operator creates for a run (unless the run names its own). */
  public static String checkpointClaim(String run) {
    return shorten(run + "-checkpoints", 253);
  }

  static String shorten(String name, int max) {
    if (name.length() <= max) {
      return name;
    }
    String hash = hash(name).substring(0, 8);
    String prefix = name.substring(0, max - hash.length() - 1).replaceAll("-+$", "");
    return prefix + "-" + hash;
  }

  private static String hash(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}

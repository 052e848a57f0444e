package dev.emergent.plan;

/**
 * Run-wide settings with defaults filled in. Exactly one of {@code claimName} (an existing claim)
 * and {@code volumeSize} (a claim the run creates) is set; {@code image} is null when the
 * operator's configured image applies.
 */
public record RunSettings(
    String image,
    String claimName,
    String volumeSize,
    String storageClassName,
    String queueName,
    String priorityClassName,
    String workloadPriorityClassName,
    int maxRestarts,
    int stallTimeoutSeconds,
    Long ttlSecondsAfterFinished,
    boolean suspend,
    long seed) {}

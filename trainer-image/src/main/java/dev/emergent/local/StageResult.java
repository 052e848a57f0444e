package dev.emergent.local;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** How one stage of a local run ended, and the loss it reported along the way. */
record StageResult(
    String name,
    String type,
    int exitCode,
    String checkpoint,
    Map<String, Double> metrics,
    Duration duration,
    List<double[]> lossCurve) {}

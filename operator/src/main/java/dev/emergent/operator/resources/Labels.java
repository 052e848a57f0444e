package dev.emergent.operator.resources;

import java.util.LinkedHashMap;
import java.util.Map;

/** Labels of the operator's objects: which run, stage and attempt each belongs to. */
public final class Labels {
  public static final String RUN = "emergent.dev/run";
  public static final String STAGE = "emergent.dev/stage";
  public static final String ATTEMPT = "emergent.dev/attempt";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String OPERATOR = "emergent-operator";
  public static final String KUEUE_QUEUE = "kueue.x-k8s.io/queue-name";
  public static final String KUEUE_PRIORITY_CLASS = "kueue.x-k8s.io/priority-class";

  private Labels() {}

  public static Map<String, String> run(String run) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, OPERATOR);
    labels.put(RUN, run);
    return labels;
  }

  public static Map<String, String> attempt(String run, String stage, int attempt) {
    Map<String, String> labels = run(run);
    labels.put(STAGE, stage);
    labels.put(ATTEMPT, Integer.toString(attempt));
    labels.put(COMPONENT, "trainer");
    return labels;
  }
}

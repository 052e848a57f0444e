package dev.emergent.operator.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.emergent.plan.TrainingRunFiles;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;

/** The resolved stage configuration of one attempt, mounted into every trainer pod. */
public final class StageConfigMap {
  public static final String KEY = "stage.json";

  private StageConfigMap() {}

  public static ConfigMap desired(StageAttempt attempt) {
    try {
      return new ConfigMapBuilder()
          .withMetadata(attempt.metadata(Names.configMap(attempt.name())))
          .withImmutable(true)
          .addToData(
              KEY,
              TrainingRunFiles.JSON
                  .writerWithDefaultPrettyPrinter()
                  .writeValueAsString(attempt.stage().config()))
          .build();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stage config could not be written as JSON", e);
    }
  }
}

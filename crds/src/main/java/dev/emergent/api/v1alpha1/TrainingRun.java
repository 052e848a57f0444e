package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A model trained through a chain of stages (pretraining to PPO) on a named device mesh. */
@Group(TrainingRun.GROUP)
@Version(TrainingRun.VERSION)
@Kind("TrainingRun")
@Plural("trainingruns")
@Singular("trainingrun")
@ShortNames("tr")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Stage", jsonPath = ".status.currentStage")
@AdditionalPrinterColumn(
    name = "Admitted",
    jsonPath = ".status.conditions[?(@.type==\"Admitted\")].reason")
@AdditionalPrinterColumn(
    name = "Step",
    jsonPath = ".status.step",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Loss",
    jsonPath = ".status.loss",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class TrainingRun extends CustomResource<TrainingRunSpec, TrainingRunStatus>
    implements Namespaced {
  public static final String GROUP = "emergent.dev";
  public static final String VERSION = "v1alpha1";

  @Override
  @JsonPropertyDescription("What to train, on which mesh, through which stages.")
  public TrainingRunSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Observed state of the run, written by the operator.")
  public TrainingRunStatus getStatus() {
    return super.getStatus();
  }
}

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

/**
 * A ladder of small TrainingRuns whose final held-out losses fit a scaling law L(N, D), which then
 * predicts larger runs that are trained to check it.
 */
@Group(TrainingRun.GROUP)
@Version(TrainingRun.VERSION)
@Kind("ScalingStudy")
@Plural("scalingstudies")
@Singular("scalingstudy")
@ShortNames("ss")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(
    name = "Runs",
    jsonPath = ".status.runs",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Done",
    jsonPath = ".status.done",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Alpha",
    jsonPath = ".status.fit.alpha.value",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "Predicted",
    jsonPath = ".status.predicted",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "Measured",
    jsonPath = ".status.measured",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ScalingStudy extends CustomResource<ScalingStudySpec, ScalingStudyStatus>
    implements Namespaced {

  @Override
  @JsonPropertyDescription("The runs of the ladder, how they are trained, and what to predict.")
  public ScalingStudySpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("The runs' results, the fitted law and its predictions.")
  public ScalingStudyStatus getStatus() {
    return super.getStatus();
  }
}

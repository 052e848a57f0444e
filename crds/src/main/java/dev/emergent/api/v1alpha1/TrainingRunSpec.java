package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * What to train, on which mesh, through which stages.
 *
 * <p>The schema carries no defaults on purpose: a defaulted field would show up as drift in GitOps
 * tools. Defaults are documented on each field and filled in by the planner.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainingRunSpec {

  @Required
  @JsonPropertyDescription("Shape of the Transformer to train.")
  public ModelSpec model;

  @Required
  @JsonPropertyDescription(
      "Device mesh of every stage, unless a stage sets its own: named axes, pods and devices"
          + " per pod.")
  public MeshSpec mesh;

  @Size(max = 512)
  @Pattern(Limits.IMAGE_REFERENCE)
  @JsonPropertyDescription(
      "Trainer container image, e.g. registry.example.com/emergent/trainer:0.1.0. Default: the image the operator is configured with. Ignored by"
          + " the local runner.")
  public String image;

  @JsonPropertyDescription(
      "Compute resources of each trainer pod, unless a stage sets its own. With device cuda,"
          + " nvidia.com/gpu is set to mesh.devicesPerPod.")
  public PodResources resources;

  @JsonPropertyDescription("Where checkpoints are stored and how often they are written.")
  public CheckpointSpec checkpoint;

  @JsonPropertyDescription("Queue and priority of the stage gangs.")
  public SchedulingSpec scheduling;

  @JsonPropertyDescription("How failed or stalled stages are restarted.")
  public FailurePolicy failurePolicy;

  @Min(0)
  @Max(2147483647)
  @JsonPropertyDescription(
      "Seed of parameter initialisation, data order and sampling. Same seed, data, mesh and"
          + " thread count give the same losses. Default: 1234.")
  public Long seed;

  @JsonPropertyDescription(
      "true stops the running stage (its checkpoint is kept) until set back to false, when it"
          + " resumes from that checkpoint. Default: false.")
  public Boolean suspend;

  @Min(0)
  @Max(31536000)
  @JsonPropertyDescription(
      "Seconds after the run succeeded or failed at which it is deleted with everything it owns"
          + " (checkpoints on a claim that the run did not create are kept). Default: never.")
  public Long ttlSecondsAfterFinished;

  @Required
  @Size(min = 1, max = Limits.MAX_STAGES)
  @JsonPropertyDescription(
      "Stages in order; each starts when the one before it has published its final checkpoint.")
  public List<StageSpec> stages;
}

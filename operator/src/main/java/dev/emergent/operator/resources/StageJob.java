package dev.emergent.operator.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.emergent.plan.LaunchEnvironment;
import dev.emergent.plan.RunSettings;
import dev.emergent.plan.TrainingRunFiles;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gang of one attempt: an Indexed Job with one pod per index, all started together, none
 * retried by Kubernetes (backoffLimit 0): a failed pod fails the Job, and the operator restarts the
 * whole gang from the latest checkpoint. With a Kueue queue the Job starts suspended and Kueue
 * admits it whole; the operator never changes {@code suspend} afterwards.
 */
public final class StageJob {
  static final String CONFIG_DIR = "/etc/emergent";
  static final String CONFIG_FILE = "stage.json";

  /**
   * The pods' annotation that holds the resolved stage config, which a downward API volume mounts
   * as {@code CONFIG_DIR/CONFIG_FILE}: the config travels in the Job, so an attempt needs no
   * ConfigMap of its own (one write fewer per stage start, and one delete fewer at its end).
   */
  public static final String CONFIG_ANNOTATION = "emergent.dev/stage-config";

  static final String CHECKPOINT_ROOT = "/checkpoints";

  /** The one writable folder besides the checkpoints: the root filesystem is read-only. */
  static final String TMP = "/tmp";

  private StageJob() {}

  public static Job desired(
      StageAttempt attempt, String defaultImage, String claimName, int progressPort) {
    RunSettings settings = attempt.plan().settings();
    Map<String, String> labels = attempt.labels();
    boolean queued = settings.queueName() != null;
    Map<String, String> jobLabels = new java.util.LinkedHashMap<>(labels);
    if (queued) {
      jobLabels.put(Labels.KUEUE_QUEUE, settings.queueName());
      if (settings.workloadPriorityClassName() != null) {
        jobLabels.put(Labels.KUEUE_PRIORITY_CLASS, settings.workloadPriorityClassName());
      }
    }
    int pods = attempt.stage().pods();
    return new JobBuilder()
        .withNewMetadata()
        .withName(attempt.name())
        .withNamespace(attempt.namespace())
        .withLabels(jobLabels)
        .withOwnerReferences(StageAttempt.owner(attempt.run()))
        .endMetadata()
        .withNewSpec()
        .withCompletionMode("Indexed")
        .withCompletions(pods)
        .withParallelism(pods)
        .withBackoffLimit(0)
        .withSuspend(queued)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .addToAnnotations(CONFIG_ANNOTATION, configJson(attempt))
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withSubdomain(Names.ranks(attempt.run().getMetadata().getName()))
        .withPriorityClassName(settings.priorityClassName())
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(1000L)
        .withFsGroup(1000L)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName("trainer")
        .withImage(settings.image() != null ? settings.image() : defaultImage)
        .withEnv(environment(attempt, progressPort))
        .addNewPort()
        .withName("rendezvous")
        .withContainerPort(LaunchEnvironment.COORDINATOR_PORT)
        .endPort()
        .addNewPort()
        .withName("progress")
        .withContainerPort(progressPort)
        .endPort()
        .withResources(attempt.stage().resources())
        .addNewVolumeMount()
        .withName("checkpoints")
        .withMountPath(CHECKPOINT_ROOT)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("config")
        .withMountPath(CONFIG_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath(TMP)
        .endVolumeMount()
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withNewSecurityContext()
        .withReadOnlyRootFilesystem(true)
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .endContainer()
        .addNewVolume()
        .withName("checkpoints")
        .withNewPersistentVolumeClaim()
        .withClaimName(claimName)
        .endPersistentVolumeClaim()
        .endVolume()
        .addNewVolume()
        .withName("config")
        .withNewDownwardAPI()
        .addNewItem()
        .withPath(CONFIG_FILE)
        .withNewFieldRef()
        .withFieldPath("metadata.annotations['" + CONFIG_ANNOTATION + "']")
        .endFieldRef()
        .endItem()
        .endDownwardAPI()
        .endVolume()
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** The attempt's resolved stage config, as the trainer reads it from EMERGENT_STAGE_CONFIG. */
  public static String configJson(StageAttempt attempt) {
    try {
      return TrainingRunFiles.JSON
          .writerWithDefaultPrettyPrinter()
          .writeValueAsString(attempt.stage().config());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stage config could not be written as JSON", e);
    }
  }

  /**
   * Compute threads of each rank: the pod's CPU request (else its limit) shared evenly by its
   * ranks, at least one. Without it a trainer would start a thread per core of the node and
   * oversubscribe the CPUs it was given (5-25x slower, see REFERENCES). Empty when the pod sets no
   * CPU, where the node's cores are all it can go by.
   */
  static Optional<Integer> threadsPerRank(StageAttempt attempt) {
    ResourceRequirements resources = attempt.stage().resources();
    Quantity cpu = null;
    if (resources != null && resources.getRequests() != null) {
      cpu = resources.getRequests().get("cpu");
    }
    if (cpu == null && resources != null && resources.getLimits() != null) {
      cpu = resources.getLimits().get("cpu");
    }
    if (cpu == null) {
      return Optional.empty();
    }
    double cores = Quantity.getAmountInBytes(cpu).doubleValue();
    int ranks = attempt.stage().mesh().devicesPerPod();
    return Optional.of(Math.max(1, (int) Math.floor(cores / ranks)));
  }

  /** The launch environment of the design; the rank comes from JOB_COMPLETION_INDEX. */
  private static List<EnvVar> environment(StageAttempt attempt, int progressPort) {
    List<EnvVar> env = new ArrayList<>();
    String run = attempt.run().getMetadata().getName();
    String coordinatorHost = attempt.name() + "-0." + Names.ranks(run);
    LaunchEnvironment.common(
            attempt.stage(),
            CONFIG_DIR + "/" + CONFIG_FILE,
            coordinatorHost,
            LaunchEnvironment.COORDINATOR_PORT)
        .forEach((name, value) -> env.add(new EnvVar(name, value, null)));
    env.add(
        new EnvVarBuilder()
            .withName(LaunchEnvironment.RUN_TOKEN)
            .withNewValueFrom()
            .withNewSecretKeyRef()
            .withName(Names.token(run))
            .withKey(RunTokenSecret.KEY)
            .endSecretKeyRef()
            .endValueFrom()
            .build());
    env.add(new EnvVar(LaunchEnvironment.CHECKPOINT_ROOT, CHECKPOINT_ROOT, null));
    env.add(new EnvVar(LaunchEnvironment.PROGRESS_PORT, Integer.toString(progressPort), null));
    LaunchEnvironment.BLAS_THREADS_SLEEP.forEach(
        (name, value) -> env.add(new EnvVar(name, value, null)));
    threadsPerRank(attempt)
        .ifPresent(
            threads -> env.add(new EnvVar("OMP_NUM_THREADS", Integer.toString(threads), null)));
    return env;
  }
}

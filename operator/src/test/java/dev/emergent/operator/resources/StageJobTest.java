package dev.emergent.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.plan.Planner;
import dev.emergent.plan.RunPlan;
import dev.emergent.plan.StageConfig;
import dev.emergent.plan.TrainingRunFiles;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class StageJobTest {

  private static StageAttempt attempt(String example, int attempt) throws IOException {
    TrainingRun run = TrainingRunFiles.read(Path.of("../examples", example));
    run.getMetadata().setNamespace("team-a");
    run.getMetadata().setUid("uid-1");
    RunPlan plan = Planner.plan(run);
    return new StageAttempt(run, plan, plan.stages().get(0), attempt);
  }

  @Test
  void aGpuGangIsOneIndexedJobWithOneGpuPerDevice() throws IOException {
    StageAttempt attempt = attempt("gpu-8x8.yaml", 3);

    Job job = StageJob.desired(attempt, "default:1", "gpt-1b-checkpoints", 8080);
    Container trainer = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env =
        trainer.getEnv().stream()
            .filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));

    assertThat(job.getMetadata().getName()).isEqualTo("gpt-1b-pretrain-3");
    assertThat(job.getSpec().getCompletions()).isEqualTo(8);
    assertThat(job.getSpec().getParallelism()).isEqualTo(8);
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getSuspend()).isFalse();
    assertThat(trainer.getImage()).isEqualTo("ghcr.io/emergent-dev/trainer:0.1.0");
    assertThat(trainer.getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("8"));
    assertThat(env)
        .containsEntry("EMERGENT_WORLD_SIZE", "64")
        .containsEntry("EMERGENT_DEVICES_PER_POD", "8")
        .containsEntry("EMERGENT_DEVICE", "cuda")
        .containsEntry("EMERGENT_COORDINATOR", "gpt-1b-pretrain-3-0.gpt-1b-ranks:29500")
        .containsEntry("EMERGENT_STAGE_CONFIG", "/etc/emergent/stage.json");
    assertThat(trainer.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("EMERGENT_RUN_TOKEN");
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("gpt-1b-token");
            });
    assertThat(job.getSpec().getTemplate().getSpec().getSubdomain()).isEqualTo("gpt-1b-ranks");
    assertThat(job.getSpec().getTemplate().getSpec().getPriorityClassName())
        .isEqualTo("training-high");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(ref -> assertThat(ref.getController()).isTrue());
  }

  @Test
  void podsRunRestricted() throws IOException {
    Job job = StageJob.desired(attempt("quickstart.yaml", 1), "trainer:1", "claim", 8080);
    var pod = job.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0).getSecurityContext();

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("tmp");
              assertThat(v.getEmptyDir()).isNotNull();
            });
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
  }

  @Test
  void eachRankGetsItsShareOfThePodsCpus() throws IOException {
    assertThat(StageJob.threadsPerRank(attempt("quickstart.yaml", 1))).contains(1);
    // 16 CPUs requested for 4 devices per pod.
    assertThat(StageJob.threadsPerRank(attempt("kueue-queue.yaml", 1))).contains(4);
    Job job = StageJob.desired(attempt("kueue-queue.yaml", 1), "trainer:1", "claim", 8080);
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("OMP_NUM_THREADS");
              assertThat(e.getValue()).isEqualTo("4");
            });
  }

  @Test
  void theBlasThreadsSleepBetweenProductsInTheSameOrderEveryTime() throws IOException {
    Job job = StageJob.desired(attempt("quickstart.yaml", 1), "trainer:1", "claim", 8080);
    List<String> variables =
        job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
            .filter(e -> e.getName().startsWith("OMP_WAIT") || e.getName().startsWith("OPENBLAS"))
            .map(e -> e.getName() + "=" + e.getValue())
            .toList();
    assertThat(variables).containsExactly("OMP_WAIT_POLICY=PASSIVE", "OPENBLAS_THREAD_TIMEOUT=4");
  }

  @Test
  void theStageConfigTravelsInThePodTemplateAndIsMountedWhereTheEnvironmentSays()
      throws IOException {
    StageAttempt attempt = attempt("quickstart.yaml", 1);
    Job job = StageJob.desired(attempt, "trainer:1", "claim", 8080);
    var template = job.getSpec().getTemplate();

    String config = template.getMetadata().getAnnotations().get(StageJob.CONFIG_ANNOTATION);
    assertThat(TrainingRunFiles.JSON.readValue(config, StageConfig.class))
        .isEqualTo(attempt.stage().config());
    var volume =
        template.getSpec().getVolumes().stream()
            .filter(v -> v.getName().equals("config"))
            .findFirst()
            .orElseThrow();
    assertThat(volume.getDownwardAPI().getItems())
        .singleElement()
        .satisfies(
            item -> {
              assertThat(item.getPath()).isEqualTo("stage.json");
              assertThat(item.getFieldRef().getFieldPath())
                  .isEqualTo("metadata.annotations['emergent.dev/stage-config']");
            });
    assertThat(template.getSpec().getContainers().get(0).getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("config");
              assertThat(m.getMountPath()).isEqualTo("/etc/emergent");
            });
  }

  @Test
  void theRanksOfEveryAttemptShareTheRunsServiceAndToken() throws IOException {
    StageAttempt first = attempt("quickstart.yaml", 1);
    StageAttempt second = attempt("quickstart.yaml", 2);
    Service service = RankService.desired(first.run(), 8080);

    assertThat(service.getMetadata().getName()).isEqualTo("quickstart-ranks");
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(service.getSpec().getSelector()).isEqualTo(Labels.run("quickstart"));
    for (StageAttempt attempt : List.of(first, second)) {
      var pod = StageJob.desired(attempt, "trainer:1", "claim", 8080).getSpec().getTemplate();
      assertThat(pod.getSpec().getSubdomain()).isEqualTo(service.getMetadata().getName());
      assertThat(pod.getMetadata().getLabels())
          .containsAllEntriesOf(service.getSpec().getSelector());
    }
    assertThat(RunTokenSecret.desired(first.run()).getMetadata().getName())
        .isEqualTo("quickstart-token");
  }

  @Test
  void onlyTheRunsPodsAndTheOperatorReachTheTrainers() throws IOException {
    StageAttempt attempt = attempt("quickstart.yaml", 2);
    Map<String, String> trainers = Labels.run("quickstart");

    NetworkPolicy policy = RunNetworkPolicy.desired(attempt.run(), 8080);

    assertThat(policy.getMetadata().getName()).isEqualTo("quickstart-ranks");
    assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(trainers);
    assertThat(attempt.labels()).containsAllEntriesOf(trainers);
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(policy.getSpec().getIngress()).hasSize(2);
    var gang = policy.getSpec().getIngress().get(0);
    assertThat(gang.getFrom())
        .singleElement()
        .satisfies(from -> assertThat(from.getPodSelector().getMatchLabels()).isEqualTo(trainers));
    assertThat(gang.getPorts()).as("ranks bind ephemeral ports for the ring").isEmpty();
    var operator = policy.getSpec().getIngress().get(1);
    assertThat(operator.getFrom())
        .singleElement()
        .satisfies(
            from -> {
              assertThat(from.getPodSelector().getMatchLabels())
                  .isEqualTo(RunNetworkPolicy.OPERATOR_POD_LABELS);
              assertThat(from.getNamespaceSelector()).isNotNull();
            });
    assertThat(operator.getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8080));
  }

  @Test
  void aQueuedGangStartsSuspendedWithKueuesLabel() throws IOException {
    Job job = StageJob.desired(attempt("kueue-queue.yaml", 1), "trainer:1", "claim", 8080);

    assertThat(job.getSpec().getSuspend()).isTrue();
    assertThat(job.getMetadata().getLabels())
        .containsEntry("kueue.x-k8s.io/queue-name", "team-a")
        .containsEntry("kueue.x-k8s.io/priority-class", "training-high");
  }

  @Test
  void longNamesAreCutAndHashedToStayValid() {
    String name =
        Names.attempt("a-very-long-training-run-name-for-a-team", "supervised-fine-tuning", 12);

    assertThat(name).hasSizeLessThanOrEqualTo(52).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    assertThat(name)
        .isNotEqualTo(
            Names.attempt(
                "a-very-long-training-run-name-for-a-team", "supervised-fine-tuning", 13));
    assertThat(Names.attempt("quickstart", "sft", 2)).isEqualTo("quickstart-sft-2");
  }
}

package dev.emergent.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.ScalingStudy;
import dev.emergent.api.v1alpha1.ScalingStudyStatus;
import dev.emergent.api.v1alpha1.StudyPhase;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.operator.status.Conditions;
import dev.emergent.plan.StudyPlan;
import dev.emergent.plan.StudyPlanner;
import dev.emergent.plan.TrainingRunFiles;
import dev.emergent.study.ScalingLaw;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ScalingStudy controller's scenarios: its child runs go through the TrainingRun controller and
 * the simulated kubelet, whose Pretrain stages report the loss a known law gives each run's size
 * and tokens. On the Fabric8 mock ({@link ScalingStudyReconcilerIT}) and on the cluster in
 * KUBECONFIG ({@link ScalingStudyReconcilerE2E}).
 */
abstract class ScalingStudyScenarios {
  /** A namespace of its own: the TrainingRun scenarios count the runs in theirs. */
  static final String NAMESPACE = TrainingRunScenarios.NAMESPACE + "-studies";

  private static final Duration TIMEOUT = Duration.ofSeconds(180);
  private static final ScalingLaw TRUTH = new ScalingLaw(0.9, 40, 0.4, 60, 0.35);

  @Inject KubernetesClient client;

  private SimulatedKubelet kubelet;

  @BeforeEach
  void startKubelet() {
    kubelet = new SimulatedKubelet(client, NAMESPACE);
  }

  @AfterEach
  void stopKubelet() {
    kubelet.close();
  }

  /** Whether the API server runs the CRD's schema and CEL rules (the mock does not). */
  abstract boolean admissionChecksSpecs();

  static String study(String name, String ladderModels) {
    return """
        apiVersion: emergent.dev/v1alpha1
        kind: ScalingStudy
        metadata: {name: %s, namespace: %s}
        spec:
          template:
            model: {contextLength: 32}
            mesh:
              axes: [{name: data, size: 1}, {name: model, size: 2}]
            stages:
            - {name: pretrain, type: Pretrain, data: {builtin: arithmetic}, batchSize: 8}
            - {name: sft-2, type: SFT, from: pretrain, data: {builtin: arithmetic}, steps: 10}
          ladder:
            models: %s
            tokens: [4096, 16384, 65536]
          maxParallelRuns: 2
          predict:
          - {layers: 4, dModel: 128, heads: 4, tokens: 262144}
        """
        .formatted(name, NAMESPACE, ladderModels);
  }

  private static final String THREE_SIZES =
      "[{layers: 1, dModel: 32, heads: 2}, {layers: 2, dModel: 48, heads: 4},"
          + " {layers: 2, dModel: 64, heads: 4}]";

  @Test
  void aStudyTrainsItsLadderFitsTheLawThenTrainsThePredictedRun() {
    ScalingStudy created =
        client.resource(TrainingRunFiles.parseStudy(study("ladder", THREE_SIZES))).create();
    StudyPlan plan = StudyPlanner.plan(created);
    kubelet.reportMetrics((run, stage) -> metrics(plan, run, stage));
    AtomicLong mostUnfinished = new AtomicLong();

    ScalingStudyStatus status =
        await()
            .atMost(TIMEOUT)
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  mostUnfinished.accumulateAndGet(unfinishedChildren("ladder"), Math::max);
                  return study("ladder").getStatus();
                },
                s -> s != null && s.phase == StudyPhase.Succeeded);

    assertThat(mostUnfinished.get()).isBetween(1L, 2L);
    assertThat(status.runs).isEqualTo(10);
    assertThat(status.done).isEqualTo(10);
    assertThat(status.fit.runs).isEqualTo(9);
    assertThat(status.fit.alpha.low).isLessThanOrEqualTo(status.fit.alpha.value);
    StudyPlan.Run predicted = plan.predictions().get(0);
    double truth = TRUTH.loss(predicted.parameters(), predicted.tokens());
    assertThat(status.measured).isEqualTo(truth);
    assertThat(status.predicted).isCloseTo(truth, within(0.01 * truth));
    assertThat(status.results)
        .extracting(r -> r.name)
        .containsExactly(
            "ladder-r0",
            "ladder-r1",
            "ladder-r2",
            "ladder-r3",
            "ladder-r4",
            "ladder-r5",
            "ladder-r6",
            "ladder-r7",
            "ladder-r8",
            "ladder-p0");
    assertThat(status.results.get(8).metrics)
        .containsEntry("sft-2.exactMatch", 0.5)
        .containsKey("sft-2.answerLogLikelihood");
    assertThat(Conditions.get(status.conditions, "Fitted").status).isEqualTo("True");
    assertThat(Conditions.get(status.conditions, Conditions.SUCCEEDED).message)
        .startsWith("ladder-p0: predicted ");
    assertThat(children("ladder"))
        .hasSize(10)
        .allSatisfy(
            run ->
                assertThat(run.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(
                        owner -> {
                          assertThat(owner.getUid()).isEqualTo(created.getMetadata().getUid());
                          assertThat(owner.getController()).isTrue();
                        }));

    // A finished run that is deleted (by its TTL, or by hand) is remembered, not trained again.
    client.resources(TrainingRun.class).inNamespace(NAMESPACE).withName("ladder-r0").delete();
    touch("ladder");
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> children("ladder").size() == 9 && study("ladder").getStatus().done == 10);
    assertThat(study("ladder").getStatus().results.get(0).evalLoss)
        .isEqualTo(status.results.get(0).evalLoss);

    // Deleting the study deletes its runs (owner references; here the kubelet's garbage collector).
    client.resource(created).delete();
    await().atMost(TIMEOUT).until(() -> children("ladder").isEmpty());
  }

  @Test
  void aStudyWhoseRunsWouldNotPlanStartsNothingAndSaysWhich() {
    // heads 3 on a model axis of 2: only the planner sees it, as no rule about the template's
    // mesh and a rung's heads can be written in CEL.
    client
        .resource(
            TrainingRunFiles.parseStudy(
                study(
                    "unplannable",
                    "[{layers: 1, dModel: 48, heads: 3}, {layers: 2, dModel: 64, heads: 4}, {layers: 2, dModel: 96, heads: 4}]")))
        .create();

    ScalingStudyStatus status =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> study("unplannable").getStatus(),
                s -> s != null && s.phase == StudyPhase.Invalid);

    assertThat(Conditions.get(status.conditions, Conditions.FAILED).message)
        .contains("spec.ladder.models[0].heads");
    assertThat(children("unplannable")).isEmpty();
  }

  @Test
  void theApiServerRefusesALadderTooSmallToFit() {
    Assumptions.assumeTrue(admissionChecksSpecs(), "the Fabric8 mock runs no CEL rules");
    String twoByTwo =
        study("too-small", "[{layers: 1, dModel: 32, heads: 2}, {layers: 2, dModel: 64, heads: 4}]")
            .replace("tokens: [4096, 16384, 65536]", "tokens: [4096, 16384]");

    assertThatThrownBy(() -> client.resource(TrainingRunFiles.parseStudy(twoByTwo)).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("models × tokens must give at least 5 runs");
  }

  /** What the simulated trainer reports: the law's loss for Pretrain, task scores for SFT. */
  private static Map<String, Double> metrics(StudyPlan plan, String run, String stage) {
    StudyPlan.Run planned = plan.run(run).orElseThrow();
    if (stage.equals("pretrain")) {
      double loss = TRUTH.loss(planned.parameters(), planned.tokens());
      return Map.of("loss", loss, "evalLoss", loss);
    }
    return Map.of("loss", 0.4, "exactMatch", 0.5, "answerLogLikelihood", -0.7);
  }

  private ScalingStudy study(String name) {
    return client.resources(ScalingStudy.class).inNamespace(NAMESPACE).withName(name).get();
  }

  private List<TrainingRun> children(String study) {
    return client
        .resources(TrainingRun.class)
        .inNamespace(NAMESPACE)
        .withLabel(StudyPlanner.STUDY_LABEL, study)
        .list()
        .getItems();
  }

  private long unfinishedChildren(String study) {
    return children(study).stream()
        .filter(
            r ->
                r.getStatus() == null
                    || (r.getStatus().phase != RunPhase.Succeeded
                        && r.getStatus().phase != RunPhase.Failed))
        .count();
  }

  /** A change of the study's labels: a reconcile, without a change of spec. */
  private void touch(String name) {
    client
        .resources(ScalingStudy.class)
        .inNamespace(NAMESPACE)
        .withName(name)
        .edit(
            s -> {
              s.getMetadata().getLabels().put("touched", Long.toString(System.nanoTime()));
              return s;
            });
  }
}

package dev.emergent.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuotaCheckTest {
  /** 8 pods with 8 GPUs, 32 cores and 256Gi each, as gpu-8x8.yaml asks. */
  private static final GangDemand GANG =
      GangDemand.of(
          new ResourceRequirementsBuilder()
              .addToRequests("cpu", new Quantity("32"))
              .addToRequests("memory", new Quantity("256Gi"))
              .addToRequests("nvidia.com/gpu", new Quantity("8"))
              .addToLimits("nvidia.com/gpu", new Quantity("8"))
              .addToLimits("memory", new Quantity("256Gi"))
              .build(),
          8,
          "training-high",
          true,
          "100Gi",
          "fast-rwx");

  private static ResourceQuota quota(
      String name, Map<String, String> hard, Map<String, String> used) {
    ResourceQuotaBuilder quota =
        new ResourceQuotaBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .endSpec();
    hard.forEach((k, v) -> quota.editSpec().addToHard(k, new Quantity(v)).endSpec());
    quota.withNewStatus().endStatus();
    used.forEach((k, v) -> quota.editStatus().addToUsed(k, new Quantity(v)).endStatus());
    return quota.build();
  }

  @Test
  void theGangsDemandUsesTheNamesQuotasUse() {
    assertThat(GANG.podResources())
        .containsEntry("requests.nvidia.com/gpu", new java.math.BigDecimal("64"))
        .containsEntry("requests.cpu", new java.math.BigDecimal("256"))
        .containsEntry("cpu", new java.math.BigDecimal("256"))
        .containsEntry("pods", new java.math.BigDecimal("8"))
        .containsKey("limits.memory")
        .doesNotContainKey("nvidia.com/gpu");
    assertThat(GANG.objects())
        .containsEntry("count/jobs.batch", java.math.BigDecimal.ONE)
        .containsEntry("persistentvolumeclaims", java.math.BigDecimal.ONE)
        .containsKey("requests.storage");
    assertThat(GANG.bestEffort()).isFalse();
  }

  @Test
  void aQuotaWithTooFewFreeGpusRefusesWithTheNumbers() {
    ResourceQuota gpus =
        quota(
            "gpu-quota",
            Map.of("requests.nvidia.com/gpu", "64"),
            Map.of("requests.nvidia.com/gpu", "48"));

    assertThat(QuotaCheck.check("pretrain", GANG, List.of(gpus)))
        .contains(
            new QuotaCheck.Refusal(
                "stage pretrain needs requests.nvidia.com/gpu 64, quota gpu-quota has 16 free of 64",
                true));
  }

  @Test
  void aGangBiggerThanTheWholeQuotaNeverFits() {
    ResourceQuota small = quota("gpu-quota", Map.of("requests.nvidia.com/gpu", "16"), Map.of());

    assertThat(QuotaCheck.check("pretrain", GANG, List.of(small)))
        .hasValueSatisfying(
            r -> {
              assertThat(r.fitsEmptyQuota()).isFalse();
              assertThat(r.message())
                  .isEqualTo(
                      "stage pretrain needs requests.nvidia.com/gpu 64, quota gpu-quota has 16 free"
                          + " of 16 (more than the quota allows in all: it never fits)");
            });
  }

  @Test
  void memoryIsWrittenInBinaryUnitsAndEveryShortfallIsNamed() {
    ResourceQuota team =
        quota(
            "team",
            Map.of("requests.memory", "1Ti", "pods", "10", "count/jobs.batch", "5"),
            Map.of("requests.memory", "512Gi", "pods", "4", "count/jobs.batch", "5"));

    assertThat(QuotaCheck.check("sft", GANG, List.of(team)))
        .hasValueSatisfying(
            r ->
                assertThat(r.message())
                    .contains("count/jobs.batch 1, quota team has 0 free of 5")
                    .contains("pods 8, quota team has 6 free of 10")
                    .contains("requests.memory 2Ti, quota team has 512Gi free of 1Ti"));
  }

  @Test
  void aQuotaPerStorageClassCountsTheRunsFirstClaim() {
    ResourceQuota noFastVolumes =
        quota(
            "storage",
            Map.of("fast-rwx.storageclass.storage.k8s.io/persistentvolumeclaims", "0"),
            Map.of());

    assertThat(QuotaCheck.check("pretrain", GANG, List.of(noFastVolumes)))
        .hasValueSatisfying(
            r ->
                assertThat(r.message())
                    .startsWith(
                        "stage pretrain needs fast-rwx.storageclass.storage.k8s.io/persistentvolumeclaims"
                            + " 1, quota storage has 0 free of 0"));
    assertThat(
            QuotaCheck.check(
                "sft",
                GangDemand.of(null, 1, null, true, null, "fast-rwx"),
                List.of(noFastVolumes)))
        .as("a later stage reuses the run's claim")
        .isEmpty();
  }

  @Test
  void aGangThatFitsPasses() {
    ResourceQuota roomy =
        quota("team", Map.of("requests.nvidia.com/gpu", "128", "pods", "100"), Map.of("pods", "2"));

    assertThat(QuotaCheck.check("pretrain", GANG, List.of(roomy))).isEmpty();
  }

  /** A quota on GPUs and Jobs for the pods of one PriorityClass. */
  private static ResourceQuota forPriority(String name, String gpus, String priorityClass) {
    return new ResourceQuotaBuilder(
            quota(name, Map.of("requests.nvidia.com/gpu", gpus, "count/jobs.batch", "0"), Map.of()))
        .editSpec()
        .withNewScopeSelector()
        .addNewMatchExpression()
        .withScopeName("PriorityClass")
        .withOperator("In")
        .withValues(priorityClass)
        .endMatchExpression()
        .endScopeSelector()
        .endSpec()
        .build();
  }

  @Test
  void aScopedQuotaCountsOnlyPodsItsScopesSelect() {
    ResourceQuota otherPriority = forPriority("low", "0", "training-low");
    ResourceQuota ours = forPriority("high", "8", "training-high");

    assertThat(QuotaCheck.check("pretrain", GANG, List.of(otherPriority))).isEmpty();
    assertThat(QuotaCheck.check("pretrain", GANG, List.of(ours)))
        .hasValueSatisfying(
            r ->
                assertThat(r.message())
                    .contains("requests.nvidia.com/gpu 64")
                    .doesNotContain("count/jobs.batch"));
  }
}

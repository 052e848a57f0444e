package dev.emergent.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emergent.plan.InvalidSpecException;
import dev.emergent.plan.Planner;
import dev.emergent.plan.RunPlan;
import dev.emergent.plan.TrainingRunFiles;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImagePolicyTest {
  private static final String DEFAULT = "ghcr.io/emergent-dev/trainer:0.1.0";

  private static RunPlan plan(String image) {
    return Planner.plan(
        TrainingRunFiles.parse(
            """
            apiVersion: emergent.dev/v1alpha1
            kind: TrainingRun
            metadata: {name: demo}
            spec:
              %s
              model: {layers: 2, dModel: 64, heads: 4, contextLength: 32}
              mesh: {axes: [{name: data, size: 1}]}
              stages:
              - {name: pretrain, type: Pretrain, data: {builtin: arithmetic}, steps: 10}
            """
                .formatted(image == null ? "" : "image: " + image)));
  }

  private static final ImagePolicy POLICY =
      new ImagePolicy(DEFAULT, Optional.of(List.of("registry.example.com/ml/*", "quay.io/x/t:2")));

  @Test
  void theDefaultImageAndListedOnesAreAllowed() {
    assertThat(POLICY.admit(plan(null)).settings().image()).isNull();
    POLICY.admit(plan(DEFAULT));
    POLICY.admit(plan("registry.example.com/ml/trainer:7"));
    POLICY.admit(plan("quay.io/x/t:2"));
  }

  @Test
  void anotherImageIsRefusedNamingSpecImage() {
    assertThatThrownBy(() -> POLICY.admit(plan("quay.io/x/t:3")))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("spec.image: quay.io/x/t:3 is not an image this operator runs")
        .hasMessageContaining("and the default " + DEFAULT);
    assertThatThrownBy(() -> POLICY.admit(plan("registry.example.com/mlx/trainer:7")))
        .isInstanceOf(InvalidSpecException.class);
  }

  @Test
  void withoutAListAnyImageIsAllowed() {
    new ImagePolicy(DEFAULT, Optional.empty()).admit(plan("anything.example/x:1"));
  }
}

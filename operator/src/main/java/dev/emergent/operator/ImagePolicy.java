package dev.emergent.operator;

import dev.emergent.plan.InvalidSpecException;
import dev.emergent.plan.RunPlan;
import dev.emergent.plan.Violation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * Which trainer images a run may name in spec.image ({@code emergent.operator.allowed-images}):
 * exact references, or prefixes ending in {@code *}. The operator's default image is always
 * allowed. Unset, any image is: the Helm chart sets it, so an installed operator runs only the
 * images its platform team listed, while a developer's operator runs what they build.
 */
@ApplicationScoped
public class ImagePolicy {
  private final String defaultImage;
  private final Optional<List<String>> allowed;

  @Inject
  public ImagePolicy(OperatorConfig config) {
    this(config.trainerImage(), config.allowedImages());
  }

  ImagePolicy(String defaultImage, Optional<List<String>> allowed) {
    this.defaultImage = defaultImage;
    this.allowed = allowed;
  }

  /** The plan unchanged, or an InvalidSpecException naming spec.image. */
  public RunPlan admit(RunPlan plan) {
    String image = plan.settings().image();
    if (image == null || image.equals(defaultImage) || allowed.isEmpty()) {
      return plan;
    }
    if (allowed.get().stream().anyMatch(pattern -> matches(pattern, image))) {
      return plan;
    }
    throw new InvalidSpecException(
        List.of(
            new Violation(
                "spec.image",
                image
                    + " is not an image this operator runs; allowed: "
                    + String.join(", ", allowed.get())
                    + " and the default "
                    + defaultImage)));
  }

  private static boolean matches(String pattern, String image) {
    return pattern.endsWith("*")
        ? image.startsWith(pattern.substring(0, pattern.length() - 1))
        : pattern.equals(image);
  }
}

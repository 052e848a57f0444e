package dev.emergent.api.v1alpha1;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of the CRDs that annotations cannot say: it installs {@link CelRules#all()}
 * (TrainingRun) and {@link CelRules#study()} (ScalingStudy, whose template leaves out the model's
 * size and the Pretrain steps that the study sets) at their schema paths and gives every quantity
 * (an int-or-string) the quantity pattern.
 */
final class SchemaRules {
  private SchemaRules() {}

  static void install(CustomResourceDefinition crd) {
    if (crd.getSpec().getNames().getKind().equals("ScalingStudy")) {
      install(crd, CelRules.study());
      for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
        JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
        at(root, "spec.template.model")
            .getRequired()
            .removeAll(List.of("layers", "dModel", "heads"));
        at(root, "spec.template.stages[]").getRequired().remove("steps");
      }
    } else {
      install(crd, CelRules.all());
    }
  }

  private static void install(CustomResourceDefinition crd, List<CelRules.Rule> rules) {
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
      for (CelRules.Rule rule : rules) {
        JSONSchemaProps node = at(root, rule.path());
        if (node.getXKubernetesValidations() == null) {
          node.setXKubernetesValidations(new ArrayList<>());
        }
        node.getXKubernetesValidations()
            .add(
                new ValidationRule(
                    rule.fieldPath(), rule.message(), null, null, null, rule.rule()));
      }
      patternQuantities(root);
    }
  }

  private static JSONSchemaProps at(JSONSchemaProps root, String path) {
    JSONSchemaProps node = root;
    for (String part : path.split("\\.")) {
      boolean items = part.endsWith("[]");
      String name = items ? part.substring(0, part.length() - 2) : part;
      node = node.getProperties().get(name);
      if (node == null) {
        throw new IllegalArgumentException("no schema at " + path + " (" + name + ")");
      }
      if (items) {
        node = node.getItems().getSchema();
      }
    }
    return node;
  }

  private static void patternQuantities(JSONSchemaProps node) {
    if (node == null) {
      return;
    }
    if (Boolean.TRUE.equals(node.getXKubernetesIntOrString())) {
      node.setPattern(Limits.QUANTITY);
    }
    if (node.getProperties() != null) {
      node.getProperties().values().forEach(SchemaRules::patternQuantities);
    }
    if (node.getItems() != null) {
      patternQuantities(node.getItems().getSchema());
    }
    if (node.getAdditionalProperties() != null) {
      patternQuantities(node.getAdditionalProperties().getSchema());
    }
  }
}

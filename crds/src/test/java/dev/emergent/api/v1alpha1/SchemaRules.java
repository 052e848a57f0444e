package dev.emergent.api.v1alpha1;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.util.ArrayList;

/**
 * The part of the CRD that annotations cannot say: it installs {@link CelRules#all()} at their
 * schema paths and gives every quantity (an int-or-string) the quantity pattern.
 */
final class SchemaRules {
  private SchemaRules() {}

  static void install(CustomResourceDefinition crd) {
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
      for (CelRules.Rule rule : CelRules.all()) {
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

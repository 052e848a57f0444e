package dev.emergent.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed CRD is what users apply, so it must be exactly what the types generate. Run with
 * {@code -Demergent.crd.update=true} to rewrite it after changing the types.
 */
class CommittedCrdTest {

  static final Path COMMITTED = Path.of("trainingruns.emergent.dev-v1.yml");
  static final Path STUDY = Path.of("scalingstudies.emergent.dev-v1.yml");

  @Test
  void committedCrdsAreWhatTheTypesGenerate(@TempDir Path dir) throws IOException {
    new CRDGenerator()
        .inOutputDir(dir.toFile())
        .forCRDVersions("v1")
        .customResourceClasses(TrainingRun.class, ScalingStudy.class)
        .withPostProcessor(
            new CRDPostProcessor() {
              @Override
              public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
                SchemaRules.install((CustomResourceDefinition) crd);
                return printerColumnsInDeclaredOrder(crd);
              }
            })
        .generate();
    for (Path committed : List.of(COMMITTED, STUDY)) {
      String generated = Files.readString(dir.resolve(committed.getFileName()));
      if (Boolean.getBoolean("emergent.crd.update")) {
        Files.writeString(committed, generated);
      }
      assertThat(Files.readString(committed))
          .as("crds/%s is stale: run ./mvnw -pl crds test -Demergent.crd.update=true", committed)
          .isEqualTo(generated);
    }
  }

  @Test
  void everyFieldHasADescriptionForKubectlExplain() throws IOException {
    for (Path committed : List.of(COMMITTED, STUDY)) {
      JsonNode schema =
          new YAMLMapper()
              .readTree(committed.toFile())
              .at("/spec/versions/0/schema/openAPIV3Schema");
      List<String> undescribed = new ArrayList<>();
      collectUndescribed(schema, "", undescribed);

      assertThat(undescribed).as(committed.toString()).isEmpty();
    }
  }

  private static void collectUndescribed(JsonNode schema, String path, List<String> undescribed) {
    if (schema.isMissingNode()) {
      return;
    }
    schema
        .path("properties")
        .fields()
        .forEachRemaining(
            field -> {
              String at = path + "." + field.getKey();
              if (!field.getValue().has("description")) {
                undescribed.add(at);
              }
              collectUndescribed(field.getValue(), at, undescribed);
            });
    collectUndescribed(schema.path("items"), path + "[]", undescribed);
    collectUndescribed(schema.path("additionalProperties"), path + "{}", undescribed);
  }

  /** The generator sorts printer columns by name; kubectl should show them as declared. */
  private static HasMetadata printerColumnsInDeclaredOrder(HasMetadata crd) {
    Class<?> type =
        ((CustomResourceDefinition) crd).getSpec().getNames().getKind().equals("ScalingStudy")
            ? ScalingStudy.class
            : TrainingRun.class;
    List<String> declared =
        Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    for (CustomResourceDefinitionVersion served :
        ((CustomResourceDefinition) crd).getSpec().getVersions()) {
      served
          .getAdditionalPrinterColumns()
          .sort(Comparator.comparingInt(column -> declared.indexOf(column.getName())));
    }
    return crd;
  }
}

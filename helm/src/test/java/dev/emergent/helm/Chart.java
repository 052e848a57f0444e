package dev.emergent.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The chart as Helm renders it, one JSON tree per object. */
final class Chart {
  static final Path DIR = Path.of("emergent-operator");
  static final String RELEASE = "emergent-operator";
  static final String NAMESPACE = "emergent-system";

  private final List<JsonNode> objects;

  private Chart(List<JsonNode> objects) {
    this.objects = objects;
  }

  /** Renders the chart with {@code values} set on top of values.yaml. */
  static Chart render(Map<String, Object> values) {
    return render(
        t -> {
          values.forEach(t::set);
          return t;
        });
  }

  static Chart render(UnaryOperator<TemplateCommand> options) {
    String yaml =
        options.apply(new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE)).call();
    try (MappingIterator<JsonNode> documents =
        new YAMLMapper().readerFor(JsonNode.class).readValues(yaml)) {
      return new Chart(
          documents.readAll().stream().filter(o -> o != null && o.has("kind")).toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<JsonNode> all() {
    return objects;
  }

  List<JsonNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  JsonNode one(String kind, String name) {
    return objects.stream()
        .filter(o -> kind.equals(o.path("kind").asText()))
        .filter(o -> name.equals(o.at("/metadata/name").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + names()));
  }

  List<String> names() {
    return objects.stream()
        .map(
            o ->
                o.path("kind").asText()
                    + "/"
                    + o.at("/metadata/namespace").asText("")
                    + "/"
                    + o.at("/metadata/name").asText())
        .toList();
  }

  /** The operator container's environment as name → value (valueFrom entries as "<from>"). */
  Map<String, String> operatorEnv() {
    JsonNode env = one("Deployment", RELEASE).at("/spec/template/spec/containers/0/env");
    Map<String, String> values = new java.util.LinkedHashMap<>();
    env.forEach(
        e ->
            values.put(
                e.path("name").asText(), e.has("value") ? e.path("value").asText() : "<from>"));
    return values;
  }
}

package dev.emergent.plan;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.emergent.api.v1alpha1.ScalingStudy;
import dev.emergent.api.v1alpha1.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads TrainingRun and ScalingStudy YAML as strictly as an API server with strict field
 * validation: unknown fields, wrong types and a wrong apiVersion or kind are errors that name the
 * field.
 */
public final class TrainingRunFiles {
  private static final String API_VERSION = TrainingRun.GROUP + "/" + TrainingRun.VERSION;

  private static final ObjectMapper YAML =
      YAMLMapper.builder(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .build();

  /** JSON of resolved stage configurations, as the trainer reads them. */
  public static final ObjectMapper JSON = JsonMapper.builder().build();

  private TrainingRunFiles() {}

  public static TrainingRun read(Path file) throws IOException {
    return parse(text(file));
  }

  public static ScalingStudy readStudy(Path file) throws IOException {
    return parse(text(file), ScalingStudy.class, "ScalingStudy");
  }

  /** The kind a file declares, before it is read as that kind; empty if it has none. */
  public static String kind(Path file) throws IOException {
    try {
      JsonNode tree = YAML.readTree(text(file));
      return tree == null ? "" : tree.path("kind").asText("");
    } catch (JsonProcessingException e) {
      throw new InvalidSpecException(List.of(describe(e)));
    }
  }

  private static String text(Path file) throws IOException {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "no such file");
    }
  }

  /**
   * @throws InvalidSpecException for malformed YAML, unknown fields, wrong types, and a wrong
   *     apiVersion or kind
   */
  public static TrainingRun parse(String yaml) {
    return parse(yaml, TrainingRun.class, "TrainingRun");
  }

  public static ScalingStudy parseStudy(String yaml) {
    return parse(yaml, ScalingStudy.class, "ScalingStudy");
  }

  private static <T> T parse(String yaml, Class<T> type, String kind) {
    try {
      JsonNode tree = YAML.readTree(yaml);
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        throw new InvalidSpecException(List.of(new Violation("(file)", "is empty")));
      }
      expect(tree, "apiVersion", API_VERSION);
      expect(tree, "kind", kind);
      return YAML.readValue(yaml, type);
    } catch (JsonProcessingException e) {
      throw new InvalidSpecException(List.of(describe(e)));
    }
  }

  private static void expect(JsonNode tree, String field, String value) {
    JsonNode actual = tree.path(field);
    if (!actual.isTextual() || !actual.asText().equals(value)) {
      throw new InvalidSpecException(
          List.of(new Violation(field, "must be " + value + ", got " + actual)));
    }
  }

  private static Violation describe(JsonProcessingException e) {
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      String field = path(mapping.getPath());
      if (e instanceof UnrecognizedPropertyException) {
        return new Violation(field, "unknown field" + at(e.getLocation()));
      }
      if (e instanceof InvalidFormatException format && format.getTargetType().isEnum()) {
        String allowed =
            Arrays.stream(format.getTargetType().getEnumConstants())
                .map(c -> enumValue((Enum<?>) c))
                .collect(Collectors.joining(", "));
        return new Violation(
            field,
            "must be one of "
                + allowed
                + ", got \""
                + format.getValue()
                + "\""
                + at(e.getLocation()));
      }
      if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
        return new Violation(
            field, "must be " + typeName(mismatch.getTargetType()) + at(e.getLocation()));
      }
      return new Violation(field, e.getOriginalMessage() + at(e.getLocation()));
    }
    if (e.getCause() instanceof MarkedYAMLException yaml) {
      return new Violation(
          "(yaml)", yaml.getProblem() + " " + yaml.getContext() + at(e.getLocation()));
    }
    return new Violation("(yaml)", e.getOriginalMessage() + at(e.getLocation()));
  }

  private static String enumValue(Enum<?> constant) {
    try {
      var property =
          constant
              .getDeclaringClass()
              .getField(constant.name())
              .getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
      return property != null ? property.value() : constant.name();
    } catch (NoSuchFieldException e) {
      return constant.name();
    }
  }

  private static String typeName(Class<?> type) {
    if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
      return "an integer";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "an object";
  }

  private static String path(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : references) {
      if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      } else {
        path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
      }
    }
    return path.toString();
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 1
        ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }
}

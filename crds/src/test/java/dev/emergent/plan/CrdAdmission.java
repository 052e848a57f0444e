package dev.emergent.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the API server checks when a TrainingRun is applied, computed from the committed CRD: the
 * OpenAPI bounds of its schema and its CEL rules (evaluated with cel-java, the Java implementation
 * of the language the API server runs). It stands in for a real API server where none is reachable;
 * the E2E suite applies the same specs to a real one.
 */
final class CrdAdmission {
  static final Path CRD = Path.of("trainingruns.emergent.dev-v1.yml");
  static final Path STUDY_CRD = Path.of("scalingstudies.emergent.dev-v1.yml");

  /** One refusal: the field it names and the message, as the API server words its own. */
  record Refusal(String field, String message, boolean fromCel) {}

  private final JsonNode schema;
  private final CelCompiler compiler;
  private final CelRuntime runtime;
  private final Map<String, CelRuntime.Program> programs = new HashMap<>();

  CrdAdmission() throws IOException {
    this(CRD);
  }

  /** Admission by another committed CRD; its transition rules (oldSelf) are for updates only. */
  CrdAdmission(Path committed) throws IOException {
    JsonNode crd = new YAMLMapper().readTree(committed.toFile());
    schema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
    compiler =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .build();
    runtime = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  }

  /** Every refusal of {@code object} (a whole TrainingRun as JSON). */
  List<Refusal> check(JsonNode object) {
    List<Refusal> refusals = new ArrayList<>();
    JsonNode spec = object.path("spec");
    check(schema.path("properties").path("spec"), spec, "spec", refusals);
    return refusals;
  }

  List<Refusal> check(Object run) {
    return check(new ObjectMapper().valueToTree(run));
  }

  private void check(JsonNode schema, JsonNode value, String path, List<Refusal> refusals) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return;
    }
    int before = refusals.size();
    checkBounds(schema, value, path, refusals);
    if (value.isObject()) {
      for (JsonNode required : schema.path("required")) {
        if (!value.has(required.asText())) {
          refusals.add(new Refusal(path + "." + required.asText(), "Required value", false));
        }
      }
      Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode fieldSchema = schema.path("properties").path(field.getKey());
        if (fieldSchema.isMissingNode()) {
          fieldSchema = schema.path("additionalProperties");
        }
        if (fieldSchema.isMissingNode()
            && !schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
          refusals.add(
              new Refusal(path + "." + field.getKey(), "field not declared in schema", false));
        } else {
          check(fieldSchema, field.getValue(), path + "." + field.getKey(), refusals);
        }
      }
    } else if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        check(schema.path("items"), value.get(i), path + "[" + i + "]", refusals);
      }
    }
    if (refusals.size() == before) {
      checkRules(schema, value, path, refusals);
    }
  }

  private static void checkBounds(
      JsonNode schema, JsonNode value, String path, List<Refusal> refusals) {
    String type = schema.path("type").asText("");
    boolean intOrString = schema.path("x-kubernetes-int-or-string").asBoolean();
    boolean typeOk =
        intOrString
            ? value.isIntegralNumber() || value.isTextual()
            : switch (type) {
              case "object" -> value.isObject();
              case "array" -> value.isArray();
              case "string" -> value.isTextual();
              case "integer" -> value.isIntegralNumber();
              case "number" -> value.isNumber();
              case "boolean" -> value.isBoolean();
              default -> true;
            };
    if (!typeOk) {
      refusals.add(new Refusal(path, "must be of type " + type, false));
      return;
    }
    if (value.isNumber()) {
      double number = value.asDouble();
      if (schema.has("minimum")) {
        double min = schema.get("minimum").asDouble();
        boolean exclusive = schema.path("exclusiveMinimum").asBoolean();
        if (exclusive ? number <= min : number < min) {
          refusals.add(
              new Refusal(
                  path,
                  "should be greater than " + (exclusive ? "" : "or equal to ") + min,
                  false));
        }
      }
      if (schema.has("maximum") && number > schema.get("maximum").asDouble()) {
        refusals.add(
            new Refusal(path, "should be less than or equal to " + schema.get("maximum"), false));
      }
    }
    if (value.isTextual()) {
      String text = value.asText();
      if (schema.has("minLength") && text.length() < schema.get("minLength").asInt()) {
        refusals.add(
            new Refusal(
                path, "should be at least " + schema.get("minLength") + " chars long", false));
      }
      if (schema.has("maxLength") && text.length() > schema.get("maxLength").asInt()) {
        refusals.add(new Refusal(path, "may not be longer than " + schema.get("maxLength"), false));
      }
      if (schema.has("pattern")
          && !Pattern.compile(schema.get("pattern").asText()).matcher(text).find()) {
        refusals.add(
            new Refusal(path, "should match '" + schema.get("pattern").asText() + "'", false));
      }
      if (schema.has("enum")) {
        boolean known = false;
        for (JsonNode allowed : schema.get("enum")) {
          known |= allowed.asText().equals(text);
        }
        if (!known) {
          refusals.add(new Refusal(path, "Unsupported value: \"" + text + "\"", false));
        }
      }
    }
    if (value.isArray()) {
      if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
        refusals.add(
            new Refusal(path, "should have at least " + schema.get("minItems") + " items", false));
      }
      if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
        refusals.add(
            new Refusal(path, "must have at most " + schema.get("maxItems") + " items", false));
      }
    }
  }

  private void checkRules(JsonNode schema, JsonNode value, String path, List<Refusal> refusals) {
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      if (rule.get("rule").asText().contains("oldSelf")) {
        continue;
      }
      Object result;
      try {
        result = program(rule.get("rule").asText()).eval(Map.of("self", celValue(value)));
      } catch (Exception e) {
        throw new AssertionError("CEL rule at " + path + " failed to evaluate: " + rule, e);
      }
      if (!Boolean.TRUE.equals(result)) {
        refusals.add(
            new Refusal(
                path + rule.path("fieldPath").asText(""), rule.get("message").asText(), true));
      }
    }
  }

  private CelRuntime.Program program(String rule) {
    return programs.computeIfAbsent(
        rule,
        r -> {
          try {
            CelAbstractSyntaxTree ast = compiler.compile(r).getAst();
            return runtime.createProgram(ast);
          } catch (Exception e) {
            throw new AssertionError("CEL rule does not compile: " + r, e);
          }
        });
  }

  private static Object celValue(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(f -> map.put(f.getKey(), celValue(f.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(celValue(item)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }
}

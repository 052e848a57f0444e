package dev.emergent.plan;

import dev.emergent.api.v1alpha1.Limits;
import dev.emergent.api.v1alpha1.TrainingRunSpec;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-field rules of the API types, read from the same annotations ({@code @Required},
 * {@code @Min}, {@code @Max}, {@code @Size}, {@code @Pattern}) that the CRD generator turns into
 * OpenAPI bounds, and checked on a spec's object tree. So each bound is written once, on its field,
 * and the local runner refuses what the API server's schema refuses.
 */
final class SchemaChecks {
  private static final String API_PACKAGE = TrainingRunSpec.class.getPackageName();

  /** What a value matching each pattern is, for messages. */
  private static final Map<String, String> PATTERN_NAMES =
      Map.of(
          Limits.DNS_LABEL, "a DNS label",
          Limits.DNS_SUBDOMAIN, "a DNS subdomain",
          Limits.RELATIVE_PATH, "a relative path below the volume root",
          Limits.IMAGE_REFERENCE, "an image reference");

  private SchemaChecks() {}

  static void check(Object object, String path, FieldChecks checks) {
    check(object, path, checks, Set.of());
  }

  /** Checks every field but those named in {@code skipped}. */
  static void check(Object object, String path, FieldChecks checks, Set<String> skipped) {
    for (Field field : fields(object.getClass())) {
      int modifiers = field.getModifiers();
      if (!Modifier.isPublic(modifiers)
          || Modifier.isStatic(modifiers)
          || skipped.contains(field.getName())) {
        continue;
      }
      String at = path + "." + field.getName();
      Object value;
      try {
        value = field.get(object);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
      if (value == null) {
        if (field.isAnnotationPresent(Required.class)) {
          checks.fail(at, "required");
        }
      } else {
        checkValue(field, value, at, checks);
      }
    }
  }

  private static void checkValue(Field field, Object value, String at, FieldChecks checks) {
    Min min = field.getAnnotation(Min.class);
    Max max = field.getAnnotation(Max.class);
    Size size = field.getAnnotation(Size.class);
    if (value instanceof Double number) {
      boolean exclusive = min != null && !min.inclusive();
      checks.between(
          at,
          number,
          min == null ? null : min.value(),
          exclusive,
          max == null ? null : max.value());
    } else if (value instanceof Number number) {
      checks.range(
          at,
          number,
          min == null ? Long.MIN_VALUE : (long) min.value(),
          max == null ? Long.MAX_VALUE : (long) max.value());
    } else if (value instanceof String text) {
      Pattern pattern = field.getAnnotation(Pattern.class);
      checks.text(
          at,
          text,
          size == null ? 0 : (int) size.min(),
          size == null ? Integer.MAX_VALUE : (int) size.max(),
          pattern == null ? null : pattern.value(),
          pattern == null ? null : PATTERN_NAMES.getOrDefault(pattern.value(), "well formed"));
    } else if (value instanceof List<?> list) {
      if (size != null) {
        checks.items(at, list.size(), (int) size.min(), (int) size.max());
      }
      for (int i = 0; i < list.size(); i++) {
        Object item = list.get(i);
        if (item != null && isApiType(item)) {
          check(item, at + "[" + i + "]", checks);
        }
      }
    } else if (isApiType(value) && !value.getClass().isEnum()) {
      check(value, at, checks);
    }
  }

  /** The fields of an API type and of the API types it extends, the inherited ones first. */
  private static List<Field> fields(Class<?> type) {
    List<Field> fields = new ArrayList<>();
    if (type.getSuperclass() != null && type.getSuperclass().getPackageName().equals(API_PACKAGE)) {
      fields.addAll(fields(type.getSuperclass()));
    }
    fields.addAll(List.of(type.getDeclaredFields()));
    return fields;
  }

  private static boolean isApiType(Object value) {
    return value.getClass().getPackageName().equals(API_PACKAGE);
  }
}

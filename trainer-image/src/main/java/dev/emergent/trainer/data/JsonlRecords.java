package dev.emergent.trainer.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads JSONL records with required string fields; a bad record names file, line and field. */
public final class JsonlRecords {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One record and the 1-based line it came from. */
  public record Line(long number, JsonNode record) {
    public String text(String field) {
      return record.get(field).asText();
    }
  }

  private JsonlRecords() {}

  public static List<Line> read(Path file, List<String> fields) throws IOException {
    List<Line> lines = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file)) {
      String text;
      long number = 0;
      while ((text = reader.readLine()) != null) {
        number++;
        if (text.isBlank()) {
          continue;
        }
        lines.add(new Line(number, parse(file, number, text, fields)));
      }
    } catch (NoSuchFileException e) {
      throw new BadInputException(file + ": no such file");
    }
    if (lines.isEmpty()) {
      throw new BadInputException(file + ": no records");
    }
    return lines;
  }

  /** Line {@code number} of {@code file} as a JSON object; anything else is bad input. */
  public static JsonNode object(Path file, long number, String text) {
    JsonNode record;
    try {
      record = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new BadInputException(file + ":" + number + ": not JSON: " + e.getOriginalMessage());
    }
    if (!record.isObject()) {
      throw new BadInputException(file + ":" + number + ": a record must be a JSON object");
    }
    return record;
  }

  private static JsonNode parse(Path file, long number, String text, List<String> fields) {
    JsonNode record = object(file, number, text);
    for (String field : fields) {
      JsonNode value = record.get(field);
      if (value == null) {
        throw new BadInputException(file + ":" + number + ": missing field \"" + field + "\"");
      }
      if (!value.isTextual()) {
        throw new BadInputException(
            file + ":" + number + ": field \"" + field + "\" must be a string");
      }
    }
    return record;
  }
}

package dev.emergent.trainer.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emergent.plan.Tokens;
import dev.emergent.trainer.data.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link BpeTokenizer} in the {@code tokenizer.json} format of Hugging Face's tokenizers, so that
 * other tools read it: a {@code BPE} model with {@code vocab} and {@code merges} ("left right"
 * strings), {@code ByteLevel} pre-tokenizer and decoder (GPT-2's pattern, no prefix space), no
 * normalizer or post-processor, and the special tokens as {@code added_tokens}. It reads back that
 * subset only, and names what a file written otherwise has that it does not read.
 */
public final class TokenizerJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TokenizerJson() {}

  public static void write(BpeTokenizer tokenizer, Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (int i = 0; i < BpeTokenizer.SPECIALS.size(); i++) {
      added
          .addObject()
          .put("id", Tokens.BEGIN + i)
          .put("content", BpeTokenizer.SPECIALS.get(i))
          .put("single_word", false)
          .put("lstrip", false)
          .put("rstrip", false)
          .put("normalized", false)
          .put("special", true);
    }
    root.putNull("normalizer");
    root.set("pre_tokenizer", byteLevel());
    root.putNull("post_processor");
    root.set("decoder", byteLevel());
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", false);
    ObjectNode vocab = model.putObject("vocab");
    List<String> symbols = tokenizer.symbols();
    for (int id = 0; id < symbols.size(); id++) {
      if (!vocab.has(symbols.get(id))) {
        vocab.put(symbols.get(id), id);
      }
    }
    ArrayNode merges = model.putArray("merges");
    for (int[] merge : tokenizer.merges()) {
      merges.add(symbols.get(merge[0]) + " " + symbols.get(merge[1]));
    }
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path partial = Files.createTempFile(parent, file.getFileName().toString(), ".partial");
    JSON.writerWithDefaultPrettyPrinter().writeValue(partial.toFile(), root);
    Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static ObjectNode byteLevel() {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", "ByteLevel");
    node.put("add_prefix_space", false);
    node.put("trim_offsets", true);
    node.put("use_regex", true);
    return node;
  }

  public static BpeTokenizer read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new BadInputException(file + ": no such tokenizer file");
    } catch (IOException e) {
      throw new BadInputException(file + ": not a tokenizer.json: " + e.getMessage());
    }
    JsonNode model = root.path("model");
    require(file, "BPE".equals(model.path("type").asText()), "model.type must be BPE");
    require(
        file,
        "ByteLevel".equals(root.path("pre_tokenizer").path("type").asText())
            && !root.path("pre_tokenizer").path("add_prefix_space").asBoolean(),
        "pre_tokenizer must be ByteLevel without add_prefix_space");
    require(file, root.path("normalizer").isNull(), "a normalizer is not supported");
    Map<String, Integer> vocab = new HashMap<>();
    model.path("vocab").fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
    String[] symbols = new String[vocab.size()];
    vocab.forEach(
        (symbol, id) -> {
          require(
              file, id >= 0 && id < symbols.length, "vocab ids must be 0.." + (symbols.length - 1));
          symbols[id] = symbol;
        });
    List<String> base = BpeTokenizer.baseSymbols();
    for (int id = 0; id < base.size(); id++) {
      require(
          file,
          id < symbols.length && base.get(id).equals(symbols[id]),
          "ids 0-255 must be the bytes in order and 256-260 the special tokens "
              + BpeTokenizer.SPECIALS
              + " (id "
              + id
              + " is "
              + (id < symbols.length ? symbols[id] : "missing")
              + ")");
    }
    List<int[]> merges = new ArrayList<>();
    for (JsonNode merge : model.path("merges")) {
      String[] parts =
          merge.isArray()
              ? new String[] {merge.path(0).asText(), merge.path(1).asText()}
              : merge.asText().split(" ", -1);
      require(file, parts.length == 2, "merge \"" + merge.asText() + "\" is not two tokens");
      Integer left = vocab.get(parts[0]);
      Integer right = vocab.get(parts[1]);
      require(
          file,
          left != null && right != null && vocab.containsKey(parts[0] + parts[1]),
          "merge \"" + parts[0] + " " + parts[1] + "\" names a token not in the vocabulary");
      merges.add(new int[] {left, right});
    }
    return new BpeTokenizer(List.of(symbols), merges);
  }

  private static void require(Path file, boolean holds, String what) {
    if (!holds) {
      throw new BadInputException(file + ": not a tokenizer this trainer reads: " + what);
    }
  }
}

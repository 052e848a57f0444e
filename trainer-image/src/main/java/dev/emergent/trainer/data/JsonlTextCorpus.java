package dev.emergent.trainer.data;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {"text": …} records of a JSONL file as one token stream per split (BEGIN text END, in file
 * order); windows start at random offsets. Documents are held out by a hash of their line.
 */
public final class JsonlTextCorpus implements TextCorpus {
  private final int[] train;
  private final int[] heldOut;

  public JsonlTextCorpus(Path file, long seed, double heldOutFraction, BpeTokenizer tokenizer)
      throws IOException {
    List<JsonlRecords.Line> lines = JsonlRecords.read(file, List.of("text"));
    List<Integer> trainIds = new ArrayList<>();
    List<Integer> heldOutIds = new ArrayList<>();
    for (JsonlRecords.Line line : lines) {
      boolean held = (Seeds.mix(seed, line.number()) >>> 11) * 0x1.0p-53 < heldOutFraction;
      List<Integer> target = held ? heldOutIds : trainIds;
      target.add(Tokens.BEGIN);
      for (int id : tokenizer.encode(line.text("text"))) {
        target.add(id);
      }
      target.add(Tokens.END);
    }
    if (trainIds.isEmpty()) {
      throw new BadInputException(file + ": no training text left after holding out documents");
    }
    train = trainIds.stream().mapToInt(Integer::intValue).toArray();
    heldOut =
        heldOutIds.isEmpty() ? train : heldOutIds.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public void fill(int[] window, SplittableRandom random, boolean heldOut) {
    int[] stream = heldOut ? this.heldOut : train;
    int start = random.nextInt(stream.length);
    for (int i = 0; i < window.length; i++) {
      window[i] = stream[(start + i) % stream.length];
    }
  }
}

package dev.emergent.trainer.shards;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emergent.trainer.model.Batch;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardBatchesTest {
  private static final int TIME = 16;
  @TempDir Path dir;
  TokenShards shards;

  @BeforeEach
  void prepare() throws IOException {
    ShardFixtures.writeCorpus(dir.resolve("corpus"));
    ShardFixtures.prepareBytes(dir.resolve("corpus"), dir.resolve("out"), 1000, 0.1);
    shards = TokenShards.open(dir.resolve("out"), BpeTokenizer.bytes().sha256());
  }

  private static int[] concat(Batch... batches) {
    int total = 0;
    for (Batch b : batches) {
      total += b.inputs().length;
    }
    int[] all = new int[total];
    int at = 0;
    for (Batch b : batches) {
      System.arraycopy(b.inputs(), 0, all, at, b.inputs().length);
      at += b.inputs().length;
    }
    return all;
  }

  @Test
  void everyWindowIsReadOncePerEpochInAnotherOrderEachEpoch() {
    long windows = (shards.manifest().splits().get("train").tokens() - 1) / TIME;
    WindowOrder order = new WindowOrder(42, windows);
    Set<Long> first = new HashSet<>();
    Set<Long> second = new HashSet<>();
    StringBuilder firstOrder = new StringBuilder();
    StringBuilder secondOrder = new StringBuilder();
    for (long i = 0; i < windows; i++) {
      first.add(order.window(i));
      second.add(order.window(windows + i));
      firstOrder.append(order.window(i)).append(',');
      secondOrder.append(order.window(windows + i)).append(',');
    }
    assertThat(first).hasSize((int) windows).allMatch(w -> w >= 0 && w < windows);
    assertThat(second).isEqualTo(first);
    assertThat(secondOrder.toString()).isNotEqualTo(firstOrder.toString());
  }

  @Test
  void twoDataRanksTogetherReadTheRowsOneRankReads() throws IOException {
    ShardBatches data = new ShardBatches(shards, 7, TIME, 8, 0, 0);

    for (long step = 0; step < 5; step++) {
      Batch whole = data.train(step, 0, 8);
      assertThat(concat(data.train(step, 0, 4), data.train(step, 4, 4)))
          .containsExactly(whole.inputs());
      for (int t = 0; t + 1 < TIME; t++) {
        assertThat(whole.targets()[t]).isEqualTo(whole.inputs()[t + 1]);
      }
    }
  }

  @Test
  void aRunResumedFromItsSavedPositionReadsWhatTheUninterruptedRunReads() throws IOException {
    ShardBatches uninterrupted = new ShardBatches(shards, 7, TIME, 8, 0, 0);
    long position = uninterrupted.position(6);
    ShardBatches resumed = new ShardBatches(shards, 7, TIME, 8, 6, position);

    for (long step = 6; step < 12; step++) {
      assertThat(resumed.train(step, 2, 3).inputs())
          .containsExactly(uninterrupted.train(step, 2, 3).inputs());
    }
    // A resumed run with a global batch of 4 reads the same samples on, four per step.
    ShardBatches smaller = new ShardBatches(shards, 7, TIME, 4, 6, position);
    assertThat(concat(smaller.train(6, 0, 4), smaller.train(7, 0, 4)))
        .containsExactly(uninterrupted.train(6, 0, 8).inputs());
    assertThat(smaller.position(8)).isEqualTo(uninterrupted.position(7));
  }

  @Test
  void heldOutBatchesComeFromTheValidationSplitAndRepeat() throws IOException {
    ShardBatches data = new ShardBatches(shards, 7, TIME, 8, 0, 0);
    TokenShards.Split validation = shards.split("validation");
    int[] all = new int[(int) validation.tokens()];
    validation.read(0, all);
    String validationText = new String(all, 0, all.length);

    Batch heldOut = data.heldOut(1, 0, 4);
    assertThat(data.heldOut(1, 0, 4).inputs()).containsExactly(heldOut.inputs());
    for (int r = 0; r < 4; r++) {
      String row = new String(heldOut.inputs(), r * TIME, TIME);
      assertThat(validationText).contains(row);
    }
  }
}

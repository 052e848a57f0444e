package dev.emergent.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emergent.trainer.tokenizer.BpeTokenizer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ArithmeticTaskTest {

  @Test
  void problemsHaveTheirAnswers() {
    assertThat(new ArithmeticTask.Problem(37, '+', 45).text()).isEqualTo("37+45=82");
    assertThat(new ArithmeticTask.Problem(37, '-', 45).text()).isEqualTo("37-45=-8");
  }

  @Test
  void theSplitIsAFunctionOfTheProblemAndTheSeed() {
    ArithmeticTask task = new ArithmeticTask(2, 99, 0.1);
    SplittableRandom random = new SplittableRandom(5);
    int heldOut = 0;
    for (int i = 0; i < 2000; i++) {
      ArithmeticTask.Problem train = task.draw(random, false);
      assertThat(task.isHeldOut(train)).isFalse();
      assertThat(new ArithmeticTask(2, 99, 0.1).isHeldOut(train)).isFalse();
      heldOut += task.isHeldOut(new ArithmeticTask.Problem(i % 100, '+', i / 100)) ? 1 : 0;
    }
    assertThat(heldOut).isBetween(120, 280);
    assertThat(task.draw(new SplittableRandom(5), true).left()).isBetween(0, 99);
  }

  @Test
  void theSameSeedGivesTheSameRows() {
    PretrainingBatches a =
        new PretrainingBatches(
            new ArithmeticCorpus(new ArithmeticTask(3, 1, 0.1), BpeTokenizer.bytes()), 1, 32);
    PretrainingBatches b =
        new PretrainingBatches(
            new ArithmeticCorpus(new ArithmeticTask(3, 1, 0.1), BpeTokenizer.bytes()), 1, 32);

    assertThat(a.train(17, 0, 4).inputs()).isEqualTo(b.train(17, 0, 4).inputs());
    assertThat(a.train(17, 2, 2).inputs())
        .isEqualTo(java.util.Arrays.copyOfRange(b.train(17, 0, 4).inputs(), 64, 128));
    assertThat(a.train(18, 0, 4).inputs()).isNotEqualTo(a.train(17, 0, 4).inputs());
  }
}

package dev.emergent.trainer.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.data.ArithmeticPostTraining;
import dev.emergent.trainer.data.ArithmeticTask;
import dev.emergent.trainer.data.PromptFormat;
import dev.emergent.trainer.generate.ExactMatch;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.model.ModelShape;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Exact match split over data ranks, each generating for every size()-th prompt, gives the numbers
 * of one process that generates for all of them: the same count, and the same mean log-likelihood
 * of the answers (a prompt missed or counted twice would move it), up to the float sum over ranks.
 */
class ShardedEvaluationTest {
  private static final ModelShape SHAPE = new ModelShape(2, 32, 2, 128, 16, Tokens.SIZE, 320);

  private static Gpt model() {
    Gpt gpt = new Gpt(SHAPE, Compute.cpu(DataType.FLOAT));
    gpt.parameters().initialize(5);
    return gpt;
  }

  private static ExactMatch exactMatch() {
    return new ExactMatch(
        new ArithmeticPostTraining(new ArithmeticTask(1, 11, 0.1)),
        11,
        new PromptFormat(BpeTokenizer.bytes()));
  }

  @Test
  void twoAndThreeDataRanksScoreLikeOne() throws Exception {
    ExactMatch.Score alone = exactMatch().of(model(), DataParallel.single());
    assertThat(alone.answerLogLikelihood()).isNegative();

    for (int ranks : new int[] {2, 3}) {
      List<Integer> group = ranks == 2 ? List.of(0, 1) : List.of(0, 1, 2);
      List<ExactMatch.Score> scores =
          LoopbackMesh.run(
              ranks,
              peers -> exactMatch().of(model(), DataParallel.over(new ProcessGroup(group, peers))));

      assertThat(scores)
          .hasSize(ranks)
          .allSatisfy(
              score -> {
                assertThat(score.exactMatch()).isEqualTo(alone.exactMatch());
                assertThat(score.answerLogLikelihood())
                    .isCloseTo(
                        alone.answerLogLikelihood(),
                        within(1e-5 * Math.abs(alone.answerLogLikelihood())));
              });
    }
  }
}

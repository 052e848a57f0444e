package dev.emergent.trainer.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.CpuTensor;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.model.ModelShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class GeneratorTest {
  private static final ModelShape SHAPE = new ModelShape(2, 16, 2, 64, 12, Tokens.SIZE, 320);

  private static Gpt model() {
    return model(SHAPE, 20);
  }

  /** A model whose initial parameters are scaled up, so that its outputs are not all alike. */
  private static Gpt model(ModelShape shape, double scale) {
    Gpt gpt = new Gpt(shape, Compute.cpu(DataType.FLOAT));
    gpt.parameters().initialize(3);
    CpuTensor.array(gpt.parameters().values()).muli(scale);
    return gpt;
  }

  @Test
  void cachedDecodingGivesTheLogitsOfAFullForwardPass() {
    int[] ids = {
      Tokens.BEGIN, Tokens.PROMPT, '1', '+', '2', '=', Tokens.RESPONSE, '3', Tokens.END, '7'
    };
    assertCachedDecodingMatchesTheFullPass(model(), ids);
  }

  /** The full pass's attention goes by blocks of 64 queries from here on; decoding does not. */
  @Test
  void cachedDecodingGivesTheLogitsOfAFullForwardPassOverSeveralBlocksOfQueries() {
    ModelShape shape = new ModelShape(2, 16, 2, 64, 150, Tokens.SIZE, 320);
    int[] ids = new SplittableRandom(5).ints(140, 0, Tokens.SIZE).toArray();
    assertCachedDecodingMatchesTheFullPass(model(shape, 5), ids);
  }

  private static void assertCachedDecodingMatchesTheFullPass(Gpt gpt, int[] ids) {
    float[][] cached = new Generator(gpt).logits(ids);
    INDArray full = CpuTensor.array(gpt.logits(ids, 1, ids.length));

    double worst = 0;
    for (int pos = 0; pos < ids.length; pos++) {
      for (int v = 0; v < gpt.shape().vocab(); v++) {
        worst = Math.max(worst, Math.abs(cached[pos][v] - full.getDouble(pos, v)));
      }
    }
    assertThat(worst).isLessThan(1e-4);
  }

  @Test
  void theLikelihoodOfAContinuationIsTheFullPassLogSoftmaxAtItsPositions() {
    Gpt gpt = model();
    int[] prompt = {Tokens.BEGIN, Tokens.PROMPT, '1', '+', '2', '=', Tokens.RESPONSE};
    int[] answer = {'3', Tokens.END};
    int[] ids = {Tokens.BEGIN, Tokens.PROMPT, '1', '+', '2', '=', Tokens.RESPONSE, '3'};

    double[] logp = new Generator(gpt).logLikelihoods(prompt, answer);
    INDArray full = CpuTensor.array(gpt.logits(ids, 1, ids.length));

    for (int i = 0; i < answer.length; i++) {
      int pos = prompt.length - 1 + i;
      double max = Double.NEGATIVE_INFINITY;
      for (int v = 0; v < SHAPE.usedVocab(); v++) {
        max = Math.max(max, full.getDouble(pos, v));
      }
      double sum = 0;
      for (int v = 0; v < SHAPE.usedVocab(); v++) {
        sum += Math.exp(full.getDouble(pos, v) - max);
      }
      assertThat(logp[i])
          .isCloseTo(full.getDouble(pos, answer[i]) - max - Math.log(sum), within(1e-4));
    }
  }

  @Test
  void theNonEmbeddingParametersAreTheModelsParametersButItsEmbeddings() {
    Gpt gpt = model();
    long embeddings =
        gpt.parameters().list().stream()
            .filter(p -> p.name().equals("wte") || p.name().equals("wpe"))
            .mapToLong(p -> p.length())
            .sum();

    assertThat(SHAPE.compute().nonEmbeddingParameters())
        .isEqualTo(gpt.parameters().count() - embeddings);
  }

  @Test
  void greedyDecodingIsDeterministicAndStopsAtTheLimit() {
    Generator generator = new Generator(model());
    int[] prompt = {Tokens.BEGIN, Tokens.PROMPT, '4'};

    Generator.Completion a =
        generator.complete(prompt, Generator.Sampling.greedy(5), new SplittableRandom(1));
    Generator.Completion b =
        generator.complete(prompt, Generator.Sampling.greedy(5), new SplittableRandom(2));

    assertThat(a.tokens()).isEqualTo(b.tokens());
    assertThat(a.tokens().length + (a.ended() ? 1 : 0)).isBetween(1, 5);
    assertThat(Arrays.stream(a.logProbs()).max().orElse(0)).isLessThanOrEqualTo(0.0);
    assertThat(Arrays.stream(a.tokens()).max().orElse(0)).isLessThan(Tokens.SIZE);
  }

  @Test
  void samplingFollowsTheSeedAndTopK() {
    Generator generator = new Generator(model());
    int[] prompt = {Tokens.BEGIN};
    Generator.Sampling sampling = new Generator.Sampling(1.0, 3, 8);

    Generator.Completion a = generator.complete(prompt, sampling, new SplittableRandom(9));
    Generator.Completion b = generator.complete(prompt, sampling, new SplittableRandom(9));

    assertThat(a.tokens()).isEqualTo(b.tokens());
    assertThat(a.logProbs()).isEqualTo(b.logProbs());
  }

  @Test
  void aBatchDecodesEachSequenceAsIfItWereAlone() {
    Generator generator = new Generator(model());
    List<Generator.Request> requests = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      int[] prompt = new int[1 + i % 4];
      Arrays.fill(prompt, Tokens.BEGIN);
      prompt[prompt.length - 1] = '0' + i;
      Generator.Sampling sampling =
          i % 2 == 0 ? Generator.Sampling.greedy(2 + i) : new Generator.Sampling(1.0, 0, 2 + i);
      requests.add(new Generator.Request(prompt, sampling, new SplittableRandom(i)));
    }

    List<Generator.Completion> together = generator.completeAll(requests);

    for (int i = 0; i < requests.size(); i++) {
      Generator.Request r = requests.get(i);
      Generator.Completion alone =
          generator.complete(r.prompt(), r.sampling(), new SplittableRandom(i));
      assertThat(together.get(i).tokens()).as("request %d", i).isEqualTo(alone.tokens());
      assertThat(together.get(i).ended()).as("request %d", i).isEqualTo(alone.ended());
      assertThat(together.get(i).logProbs())
          .as("request %d", i)
          .containsExactly(alone.logProbs(), within(1e-4));
      assertThat(together.get(i).tokens().length).isLessThanOrEqualTo(r.sampling().maxNewTokens());
    }
    assertThat(together.stream().map(c -> c.tokens().length).distinct().count())
        .as("sequences stop at their own budgets")
        .isGreaterThan(3);
  }

  @Test
  void aBatchInPartsDecodesAsTheWholeBatchAndFollowsTheModelsLatestParameters() {
    Gpt gpt = model();
    List<Generator.Request> requests = new ArrayList<>();
    for (int i = 0; i < 26; i++) {
      int[] prompt = new int[1 + i % 5];
      Arrays.fill(prompt, Tokens.BEGIN);
      prompt[prompt.length - 1] = '0' + i % 10;
      Generator.Sampling sampling =
          i % 3 == 0 ? Generator.Sampling.greedy(6) : new Generator.Sampling(1.0, 4, 3 + i % 7);
      requests.add(new Generator.Request(prompt, sampling, new SplittableRandom(i)));
    }

    for (int round = 0; round < 2; round++) {
      List<Generator.Completion> whole = new Generator(gpt, 1).completeAll(fresh(requests));
      List<Generator.Completion> parts = new Generator(gpt, 3).completeAll(fresh(requests));

      for (int i = 0; i < requests.size(); i++) {
        assertThat(parts.get(i).tokens()).as("request %d", i).isEqualTo(whole.get(i).tokens());
        assertThat(parts.get(i).ended()).as("request %d", i).isEqualTo(whole.get(i).ended());
        assertThat(parts.get(i).logProbs())
            .as("request %d", i)
            .containsExactly(whole.get(i).logProbs(), within(1e-4));
      }
      // The copies decode with the values the model has at each call, not those it had first.
      CpuTensor.array(gpt.parameters().values()).muli(1.5);
    }
  }

  /** The same requests with their random streams at their starts again. */
  private static List<Generator.Request> fresh(List<Generator.Request> requests) {
    List<Generator.Request> copies = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      Generator.Request r = requests.get(i);
      copies.add(new Generator.Request(r.prompt(), r.sampling(), new SplittableRandom(i)));
    }
    return copies;
  }

  @Test
  void noSequenceRunsPastTheContext() {
    Generator generator = new Generator(model());
    int[] prompt = new int[SHAPE.contextLength() - 2];
    Arrays.fill(prompt, '5');

    Generator.Completion completion =
        generator.complete(prompt, new Generator.Sampling(1.0, 0, 50), new SplittableRandom(4));

    assertThat(completion.tokens().length).isLessThanOrEqualTo(2);
  }

  @Test
  void batchedLikelihoodsAreEachSequencesOwn() {
    Generator generator = new Generator(model());
    int[] shortPrompt = {Tokens.BEGIN, '1'};
    int[] longPrompt = {Tokens.BEGIN, Tokens.PROMPT, '1', '+', '2', '='};
    int[] answer = {'3', '4', Tokens.END};

    List<double[]> both =
        generator.logLikelihoods(List.of(shortPrompt, longPrompt), List.of(answer, answer));

    // Alone, each prompt is read in one full pass; together, only the shorter one's length is and
    // the rest of the longer one is decoded: float sums in another order, on log-likelihoods of up
    // to ~200, whose last digits depend on the BLAS kernels the machine picks.
    assertThat(both.get(0))
        .containsExactly(generator.logLikelihoods(shortPrompt, answer), within(1e-4));
    assertThat(both.get(1))
        .containsExactly(generator.logLikelihoods(longPrompt, answer), within(1e-4));
  }
}

package dev.emergent.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A rollout's micro-batch is as long as the last position any of its samples is read at. */
class PpoChunkTest {

  @Test
  void rowsEndAfterTheLastActionOrScoredPosition() {
    PpoSample shortAnswer = sample(100, 3, 2, 4); // actions at 3, 4; scored at 4
    PpoSample cutOff = sample(200, 4, 4, 7); // actions at 4..7; scored at 7
    PpoRollouts.Chunk chunk = new PpoRollouts.Chunk(List.of(shortAnswer, cutOff));

    assertThat(chunk.time).isEqualTo(8);
    assertThat(chunk.ids).hasSize(16);
    assertThat(chunk.ids[chunk.at(1, 0)]).isEqualTo(200);
    assertThat(chunk.ids[chunk.at(1, 7)]).isEqualTo(207);
    assertThat(chunk.ids[chunk.at(0, 7)]).isEqualTo(107);
  }

  @Test
  void aSampleScoredAfterItsActionsSetsTheLength() {
    PpoRollouts.Chunk chunk = new PpoRollouts.Chunk(List.of(sample(0, 2, 0, 5)));

    assertThat(chunk.time).isEqualTo(6);
  }

  /** A sample of 12 ids, first + position at each position. */
  private static PpoSample sample(int first, int firstAction, int actions, int last) {
    PpoSample s = new PpoSample();
    s.ids = IntStream.range(0, 12).map(i -> first + i).toArray();
    s.firstAction = firstAction;
    s.actions = actions;
    s.last = last;
    return s;
  }
}

package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Training data of a stage: a built-in generator or a JSONL file. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DataSpec {

  @JsonPropertyDescription(
      "A generated dataset: arithmetic (sums and differences of integers; pretraining text,"
          + " prompt/answer pairs, preference pairs and evaluation prompts of the same task).")
  public BuiltinDataset builtin;

  @Size(min = 1, max = Limits.MAX_PATH)
  @Pattern(Limits.RELATIVE_PATH)
  @JsonPropertyDescription(
      "A JSONL file, or for Pretrain a folder prepared by 'emergent data prepare' (token"
          + " shards, memory-mapped, each data rank reading only its rows), relative to the"
          + " checkpoint volume root (in a cluster) or to the TrainingRun file's folder (local"
          + " runner). JSONL records by stage type: Pretrain {\"text\"}, SFT"
          + " {\"prompt\",\"completion\"}, RewardModel {\"prompt\",\"chosen\",\"rejected\"},"
          + " PPO {\"prompt\"}.")
  public String path;

  @Min(1)
  @Max(9)
  @JsonPropertyDescription("Digits of each operand of the arithmetic task. Default: 2.")
  public Integer operandDigits;

  @Min(0)
  @Max(0.5)
  @JsonPropertyDescription("Fraction of examples held out for evaluation. Default: 0.1.")
  public Double heldOutFraction;
}

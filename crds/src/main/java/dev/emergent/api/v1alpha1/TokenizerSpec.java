package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A trained byte-level BPE tokenizer, in place of the byte vocabulary. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TokenizerSpec {

  @Required
  @Size(min = 1, max = Limits.MAX_PATH)
  @Pattern(Limits.RELATIVE_PATH)
  @JsonPropertyDescription(
      "A tokenizer.json written by 'emergent tokenizer train', relative to the checkpoint volume"
          + " root (in a cluster) or to the TrainingRun file's folder (local runner).")
  public String path;

  @Required
  @Min(Limits.MIN_BPE_VOCAB)
  @Max(Limits.MAX_VOCAB)
  @JsonPropertyDescription(
      "Its number of ids, as 'emergent tokenizer train' printed; sizes the embedding. The trainer"
          + " refuses a file with another number.")
  public Integer vocabSize;
}

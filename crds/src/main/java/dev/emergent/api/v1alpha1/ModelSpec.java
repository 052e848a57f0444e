package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** A GPT-style decoder: pre-LN blocks of causal self-attention and a GELU MLP. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelSpec extends ModelSizeSpec {

  @Min(1)
  @Max(Limits.MAX_FFN)
  @JsonPropertyDescription("Hidden width of the MLP. Default: ffnMultiplier × dModel.")
  public Integer ffn;

  @Min(1)
  @Max(Limits.MAX_FFN_MULTIPLIER)
  @JsonPropertyDescription(
      "MLP hidden width as a multiple of dModel, when ffn is not set. Default: 4.")
  public Integer ffnMultiplier;

  @Required
  @Min(2)
  @Max(Limits.MAX_CONTEXT)
  @JsonPropertyDescription("Longest token sequence the model sees (learned positions).")
  public Integer contextLength;

  @JsonPropertyDescription(
      "Tokenizer. bytes: the 256 byte values plus special tokens (begin, end, prompt, response,"
          + " padding), padded to a multiple of the mesh axis 'model'. Default: bytes.")
  public Vocabulary vocab;

  @JsonPropertyDescription(
      "A byte-level BPE tokenizer trained by 'emergent tokenizer train', instead of vocab: bytes."
          + " Its ids 0-260 are the bytes and special tokens, so prompt formats are unchanged.")
  public TokenizerSpec tokenizer;
}

package dev.emergent.trainer.run;

/** One sampled response in a rollout: its padded tokens and the positions that acted. */
final class PpoSample {
  int[] ids;
  int[] targets;
  int firstAction; // position whose next token is the first response token
  int actions; // response tokens, END included when the response ended
  int last; // position of the last token of the sequence
  boolean ended;
  String prompt;
  String answer; // the known answer, or null
  String response;
  double[] oldLogProbs;
  double[] refLogProbs;
  double[] values;
  double[] advantages;
  double[] returns;
  double score;
  double baseline; // score of the reference's greedy answer to the same prompt
}

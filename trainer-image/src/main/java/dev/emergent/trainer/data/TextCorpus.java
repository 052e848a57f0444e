package dev.emergent.trainer.data;

import java.util.SplittableRandom;

/** Token streams to pretrain on: each window is filled from documents of one split. */
public interface TextCorpus {
  /** Fills {@code window} with tokens of the training or held-out split, drawn from random. */
  void fill(int[] window, SplittableRandom random, boolean heldOut);
}

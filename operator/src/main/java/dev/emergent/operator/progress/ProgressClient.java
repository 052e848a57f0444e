package dev.emergent.operator.progress;

import dev.emergent.plan.Progress;
import java.util.concurrent.CompletableFuture;

/** Reads a trainer's GET /progress. */
public interface ProgressClient {
  CompletableFuture<Progress> fetch(String url);
}

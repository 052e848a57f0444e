package dev.emergent.operator.progress;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;

/** Reads a trainer's GET /progress. */
public interface ProgressClient {
  CompletableFuture<JsonNode> fetch(String url);
}

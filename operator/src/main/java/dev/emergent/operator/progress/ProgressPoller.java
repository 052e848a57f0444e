package dev.emergent.operator.progress;

import dev.emergent.operator.OperatorConfig;
import dev.emergent.plan.Progress;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Polls rank 0's /progress of running stages in the background, at most once per interval and with
 * at most one request in flight per stage attempt; reconciles only read the last answer, so a slow
 * or unreachable trainer never blocks one. Unreachable progress is not an error.
 */
@ApplicationScoped
public class ProgressPoller {
  private static final Logger LOG = Logger.getLogger(ProgressPoller.class);

  private final ProgressClient client;
  private final OperatorConfig config;
  private final Clock clock;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  private static final class Entry {
    volatile Progress latest;
    volatile boolean inFlight;
    volatile Instant lastRequest = Instant.EPOCH;
  }

  public ProgressPoller(ProgressClient client, OperatorConfig config) {
    this.client = client;
    this.config = config;
    this.clock = Clock.systemUTC();
  }

  /** Starts a request for {@code key} if none is in flight and the interval has passed. */
  public void poll(String key, String url) {
    Entry entry = entries.computeIfAbsent(key, k -> new Entry());
    Instant now = clock.instant();
    synchronized (entry) {
      if (entry.inFlight || now.isBefore(entry.lastRequest.plus(config.progressInterval()))) {
        return;
      }
      entry.inFlight = true;
      entry.lastRequest = now;
    }
    client
        .fetch(url)
        .whenComplete(
            (progress, error) -> {
              if (error == null) {
                entry.latest = progress;
              } else {
                LOG.debugf("progress of %s not available: %s", key, error.getMessage());
              }
              entry.inFlight = false;
            });
  }

  public Optional<Progress> latest(String key) {
    Entry entry = entries.get(key);
    return entry == null ? Optional.empty() : Optional.ofNullable(entry.latest);
  }

  /** Drops the state of an attempt that ended. */
  public void forget(String key) {
    entries.remove(key);
  }
}

package dev.emergent.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Operator settings (application.properties, or EMERGENT_OPERATOR_* environment variables). */
@ConfigMapping(prefix = "emergent.operator")
public interface OperatorConfig {

  /** Trainer image of runs whose spec.image is unset. */
  @WithDefault("ghcr.io/emergent-dev/trainer:0.1.0")
  String trainerImage();

  /**
   * Images a run may name in spec.image besides {@link #trainerImage}: exact references or prefixes
   * ending in {@code *}. Unset: any image (the Helm chart always sets it).
   */
  Optional<List<String>> allowedImages();

  /** How often rank 0's /progress is read per running stage; at most one request in flight. */
  @WithDefault("30s")
  Duration progressInterval();

  /**
   * Port of the trainers' /progress endpoint, set in every Job and polled by the operator. Default:
   * {@code LaunchEnvironment.DEFAULT_PROGRESS_PORT} (8080).
   */
  Optional<Integer> progressPort();

  /** Wait before the first restart of a failed stage; doubles with each restart. */
  @WithDefault("10s")
  Duration restartBackoff();

  /**
   * Namespace of the leader-election Lease (prod profile). Default: the client's namespace; with
   * none, the operator runs without leader election.
   */
  Optional<String> leaseNamespace();

  /**
   * How long a new checkpoint claim may stay unbound before the run says so (VolumeNotBound): a
   * claim of a WaitForFirstConsumer class binds only once the pods are scheduled.
   */
  @WithDefault("60s")
  Duration volumeBindGrace();

  /**
   * How long an admitted attempt's pods may take to all run before the run names what holds them
   * (PodsNotStarted). Only a condition: the attempt is not restarted, as the cause (a quota, a
   * volume that does not mount) would hold the next one too.
   */
  @WithDefault("10m")
  Duration podStartLimit();

  /**
   * How often a stage that waits for quota looks again if no informer event (a ResourceQuota or a
   * Job of its namespace changed) woke it earlier.
   */
  @WithDefault("5m")
  Duration admissionRecheck();

  /** Longest wait between restarts. */
  @WithDefault("5m")
  Duration maxRestartBackoff();
}

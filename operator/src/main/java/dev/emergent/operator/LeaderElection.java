package dev.emergent.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Several operator replicas may run; the one holding the Lease reconciles, the others wait (in the
 * prod profile, as quarkus.operator-sdk.activate-leader-election-for-profiles says). The Lease
 * lives in {@code emergent.operator.lease-namespace}, else in the client's namespace (the pod's own
 * in a cluster, the kubeconfig context's outside). Where neither is known, as for a developer's
 * {@code java -jar} against a kubeconfig without a namespace, there is no Lease to share and the
 * operator runs alone, without leader election, and says so.
 */
public class LeaderElection {
  static final String LEASE_NAME = "emergent-operator-lease";
  private static final Logger LOG = Logger.getLogger(LeaderElection.class);

  /** Null (no leader election) when no namespace is known; JOSDK then runs without one. */
  @Produces
  @Dependent
  LeaderElectionConfiguration leaderElection(KubernetesClient client, OperatorConfig config) {
    Optional<String> namespace =
        config.leaseNamespace().or(() -> Optional.ofNullable(client.getNamespace()));
    if (namespace.isEmpty()) {
      LOG.infof(
          "Leader election off: no namespace for the Lease %s (set EMERGENT_OPERATOR_LEASE_NAMESPACE"
              + " or a namespace in the kubeconfig context); run a single replica",
          LEASE_NAME);
      return null;
    }
    LOG.infof("Leader election through the Lease %s/%s", namespace.get(), LEASE_NAME);
    return new LeaderElectionConfiguration(
        LEASE_NAME,
        namespace.get(),
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        null,
        new LeaderCallbacks(() -> {}, LeaderElection::exitAfterLosingTheLease, leader -> {}),
        false);
  }

  private static volatile boolean shuttingDown;

  /** Before the operator stops (which stops leading too): a Lease given up, not lost. */
  void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
    shuttingDown = true;
  }

  /**
   * Another replica may reconcile now, so this one exits and comes back as a follower. Not on the
   * calling thread, and not while the JVM shuts down: a System.exit from inside the shutdown would
   * wait forever for the shutdown hook that waits for it (JOSDK's own exit-on-stop-leading does
   * exactly that, so that a pod took its whole grace period to end on SIGTERM).
   */
  static void exitAfterLosingTheLease() {
    if (shuttingDown) {
      LOG.info("Gave up the Lease on shutdown");
      return;
    }
    LOG.warn("Lost the Lease; exiting so that a restart joins as a follower");
    Thread exit = new Thread(() -> System.exit(1), "lease-lost-exit");
    exit.setDaemon(true);
    exit.start();
  }
}

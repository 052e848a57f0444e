package dev.emergent.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Several operator replicas may run; the one holding the Lease reconciles, the others wait (in the
 * prod profile, as quarkus.operator-sdk.activate-leader-election-for-profiles says). The Lease
 * lives in {@code emergent.operator.lease-namespace}, else in the client's namespace (the pod's own
 * in a cluster, the kubeconfig context's outside). Where neither is known, as for a developer's
 * {@code java -jar} against a kubeconfig without a namespace, there is no Lease to share and the
 * operator runs alone, without leader election, and says so.
 *
 * <p>On a graceful shutdown the Lease is handed over at once, as client-go's ReleaseOnCancel does:
 * JOSDK's elector leaves it held, so that a replacement (a rolling update, a restarted pod) waited
 * out the whole lease duration before reconciling anything.
 */
@Singleton
public class LeaderElection {
  static final String LEASE_NAME = "emergent-operator-lease";

  /**
   * After JOSDK's own shutdown observer (priority 3123), which stops the controllers and the
   * elector: the Lease is only given up once nothing of this replica reconciles any more.
   */
  private static final int AFTER_THE_OPERATOR_STOPS = 4000;

  private static final Logger LOG = Logger.getLogger(LeaderElection.class);
  private final String identity = UUID.randomUUID().toString();
  private volatile String leaseNamespace;

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
    leaseNamespace = namespace.get();
    return new LeaderElectionConfiguration(
        LEASE_NAME,
        namespace.get(),
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        identity,
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
      LOG.info("Stopped leading on shutdown");
      return;
    }
    LOG.warn("Lost the Lease; exiting so that a restart joins as a follower");
    Thread exit = new Thread(() -> System.exit(1), "lease-lost-exit");
    exit.setDaemon(true);
    exit.start();
  }

  /**
   * Clears the Lease's holder if it is still this replica, with a lease duration of one second, so
   * that the next candidate takes it at its next retry. The update carries the Lease's
   * resourceVersion: a Lease that another replica took meanwhile is left alone.
   */
  void releaseTheLease(
      @Observes @Priority(AFTER_THE_OPERATOR_STOPS) ShutdownEvent event, KubernetesClient client) {
    String namespace = leaseNamespace;
    if (namespace == null) {
      return;
    }
    try {
      Lease lease = client.leases().inNamespace(namespace).withName(LEASE_NAME).get();
      if (lease == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      lease.getSpec().setHolderIdentity(null);
      lease.getSpec().setLeaseDurationSeconds(1);
      client.leases().inNamespace(namespace).resource(lease).update();
      LOG.infof("Released the Lease %s/%s", namespace, LEASE_NAME);
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "Could not release the Lease %s/%s (%s); the next leader takes it when it expires",
          namespace, LEASE_NAME, e.getMessage());
    }
  }
}

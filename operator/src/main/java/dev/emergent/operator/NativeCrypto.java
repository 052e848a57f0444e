package dev.emergent.operator;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Puts AWS-LC's ciphers (the Amazon Corretto Crypto Provider) ahead of the JDK's, so that the TLS
 * of every API request encrypts and authenticates in native code. The operator's JVM runs C1 only
 * (its image's ENTRYPOINT: C2's compilations cost more than they saved), and C1 has none of the
 * AES-GCM intrinsics that make the JDK's own GCM fast: 16 KiB records sealed at about 33 MB/s there
 * against about 3 GB/s through AWS-LC, and a flight recording of a burst of 1,000 runs put 26% of
 * the operator's Java samples in the JDK's TLS, 3% after (docs/performance.md, "Operator at
 * scale").
 *
 * <p>{@code EMERGENT_OPERATOR_NATIVE_CRYPTO=false} keeps the JDK's providers, for a platform that
 * requires its own validated ones. Where the native library does not load (another CPU
 * architecture), the JDK's serve as before and the startup log says why.
 */
@ApplicationScoped
public class NativeCrypto {
  static final String SWITCH = "EMERGENT_OPERATOR_NATIVE_CRYPTO";
  private static final Logger LOG = Logger.getLogger(NativeCrypto.class);
  private static volatile String ciphers = "the JDK's (the operator was not started by its main)";

  /** Called once, before anything opens a connection; returns what the TLS will encrypt with. */
  static String install(Map<String, String> environment) {
    AmazonCorrettoCryptoProvider provider = AmazonCorrettoCryptoProvider.INSTANCE;
    Throwable notLoaded = provider.getLoadingError();
    if ("false".equalsIgnoreCase(environment.get(SWITCH))) {
      ciphers = "the JDK's (" + SWITCH + "=false)";
    } else if (notLoaded != null) {
      ciphers = "the JDK's (AWS-LC did not load: " + notLoaded + ")";
    } else {
      AmazonCorrettoCryptoProvider.install();
      ciphers = provider.getName() + " " + provider.getVersionStr();
    }
    return ciphers;
  }

  void report(@Observes StartupEvent started) {
    LOG.infof("TLS ciphers: %s", ciphers);
  }
}

package dev.emergent.operator;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The operator's entry point: Quarkus's own, after {@link NativeCrypto} has put its ciphers in
 * place, so that no connection to the API server is opened before.
 */
@QuarkusMain
public final class OperatorMain {
  private OperatorMain() {}

  public static void main(String... args) {
    NativeCrypto.install(System.getenv());
    Quarkus.run(args);
  }
}

package dev.emergent.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.nio.charset.StandardCharsets;
import java.security.Security;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NativeCryptoTest {
  private static final String GCM = "AES/GCM/NoPadding";

  @AfterEach
  void restoreTheJdksProviders() {
    Security.removeProvider(AmazonCorrettoCryptoProvider.PROVIDER_NAME);
  }

  @Test
  void theTlsCiphersComeFromAwsLcAndSealWhatTheJdkOpens() throws Exception {
    assertThat(NativeCrypto.install(Map.of()))
        .startsWith(AmazonCorrettoCryptoProvider.PROVIDER_NAME);

    Cipher sealing = Cipher.getInstance(GCM);
    assertThat(sealing.getProvider().getName())
        .isEqualTo(AmazonCorrettoCryptoProvider.PROVIDER_NAME);
    var key = new SecretKeySpec(new byte[16], "AES");
    var nonce = new GCMParameterSpec(128, new byte[12]);
    sealing.init(Cipher.ENCRYPT_MODE, key, nonce);
    byte[] record = sealing.doFinal("a TLS record".getBytes(StandardCharsets.UTF_8));
    Cipher opening = Cipher.getInstance(GCM, "SunJCE");
    opening.init(Cipher.DECRYPT_MODE, key, nonce);
    assertThat(new String(opening.doFinal(record), StandardCharsets.UTF_8))
        .isEqualTo("a TLS record");
  }

  @Test
  void switchedOffItLeavesTheJdksProviders() throws Exception {
    assertThat(NativeCrypto.install(Map.of(NativeCrypto.SWITCH, "false")))
        .isEqualTo("the JDK's (EMERGENT_OPERATOR_NATIVE_CRYPTO=false)");

    assertThat(Cipher.getInstance(GCM).getProvider().getName()).isEqualTo("SunJCE");
  }
}

package dev.gozo.gateway.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-Gozo-Signature} of a webhook: {@code sha256=} and the lowercase hex HMAC-SHA256 of
 * the exact body bytes, keyed with the callback's secret (its UTF-8 bytes). A receiver computes the
 * same over the bytes it received and compares in constant time (README, "Webhooks").
 */
public final class Signature {

  public static final String HEADER = "X-Gozo-Signature";
  private static final String ALGORITHM = "HmacSHA256";

  private Signature() {}

  public static String of(byte[] body, String secret) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // Every JDK has HmacSHA256, and a non-empty key is always valid for it.
      throw new IllegalStateException("cannot sign a webhook", e);
    }
  }
}

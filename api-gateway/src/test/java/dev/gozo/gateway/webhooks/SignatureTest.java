package dev.gozo.gateway.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignatureTest {

  @Test
  void shouldBeTheLowercaseHexHmacSha256OfTheBodyPrefixedWithTheAlgorithm() {
    // given the published HMAC-SHA256 test vector (RFC 4231 style, as on Wikipedia)
    byte[] body = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8);

    // when
    String signature = Signature.of(body, "key");

    // then
    assertThat(signature)
        .isEqualTo("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  }

  @Test
  void shouldChangeWithAnyByteOfTheBodyOrTheSecret() {
    byte[] body = "{\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8);
    byte[] other = "{\"id\":\"2\"}".getBytes(StandardCharsets.UTF_8);

    assertThat(Signature.of(body, "s3cret")).isNotEqualTo(Signature.of(other, "s3cret"));
    assertThat(Signature.of(body, "s3cret")).isNotEqualTo(Signature.of(body, "s3cret2"));
    assertThat(Signature.of(body, "s3cret")).isEqualTo(Signature.of(body.clone(), "s3cret"));
  }
}

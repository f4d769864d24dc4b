package dev.gozo.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

  @Test
  void shouldMapEachKeyToItsTenant() {
    // given
    ApiKeys keys = ApiKeys.parse("acme:k1, globex:k2 ,acme:k3");

    // when / then
    assertThat(keys.size()).isEqualTo(3);
    assertThat(keys.tenantFor("k1")).contains("acme");
    assertThat(keys.tenantFor("k2")).contains("globex");
    assertThat(keys.tenantFor("k3")).contains("acme");
  }

  @Test
  void shouldRejectUnknownPrefixAndSuffixKeys() {
    ApiKeys keys = ApiKeys.parse("acme:secret");

    assertThat(keys.tenantFor("secret")).contains("acme");
    assertThat(keys.tenantFor("secre")).isEmpty();
    assertThat(keys.tenantFor("secret2")).isEmpty();
    assertThat(keys.tenantFor("")).isEmpty();
    assertThat(keys.tenantFor(null)).isEmpty();
    assertThat(keys.tenantFor("acme:secret")).isEmpty();
  }

  @Test
  void shouldAllowColonsInsideTheKey() {
    // the first colon separates tenant and key
    ApiKeys keys = ApiKeys.parse("acme:a:b:c");

    assertThat(keys.tenantFor("a:b:c")).contains("acme");
  }

  @Test
  void shouldFailClearlyWhenEmpty() {
    assertThatThrownBy(() -> ApiKeys.parse(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GOZO_API_KEYS is empty");
    assertThatThrownBy(() -> ApiKeys.parse("   ")).hasMessageContaining("GOZO_API_KEYS is empty");
    assertThatThrownBy(() -> ApiKeys.parse(null)).hasMessageContaining("GOZO_API_KEYS is empty");
  }

  @Test
  void shouldNameTheBadEntryWithoutEchoingTheSecret() {
    assertThatThrownBy(() -> ApiKeys.parse("acme:ok,justakey"))
        .hasMessageContaining("entry 2")
        .hasMessageContaining("expected tenant:key")
        .hasMessageNotContaining("justakey");
    assertThatThrownBy(() -> ApiKeys.parse("acme:")).hasMessageContaining("key must be non-empty");
    assertThatThrownBy(() -> ApiKeys.parse(":key")).hasMessageContaining("tenant must be");
    assertThatThrownBy(() -> ApiKeys.parse("a/b:key")).hasMessageContaining("tenant must be");
    assertThatThrownBy(() -> ApiKeys.parse("acme:has space"))
        .hasMessageContaining("key must be non-empty printable ASCII");
    assertThatThrownBy(() -> ApiKeys.parse("acme:same,globex:same"))
        .hasMessageContaining("the same key is listed twice")
        .hasMessageNotContaining("same,");
  }
}

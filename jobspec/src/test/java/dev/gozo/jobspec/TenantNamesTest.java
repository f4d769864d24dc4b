package dev.gozo.jobspec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TenantNamesTest {

  @Test
  void shouldAcceptNamesOfLettersDigitsDotsUnderscoresAndDashes() {
    assertThat(TenantNames.isValid("acme")).isTrue();
    assertThat(TenantNames.isValid("Acme-2.eu_west")).isTrue();
    assertThat(TenantNames.isValid("a".repeat(64))).isTrue();
  }

  @Test
  void shouldRefuseEmptyLongOrOddNames() {
    assertThat(TenantNames.isValid(null)).isFalse();
    assertThat(TenantNames.isValid("")).isFalse();
    assertThat(TenantNames.isValid("a".repeat(65))).isFalse();
    assertThat(TenantNames.isValid(".hidden")).isFalse();
    assertThat(TenantNames.isValid("-dash")).isFalse();
    assertThat(TenantNames.isValid("acme corp")).isFalse();
    assertThat(TenantNames.isValid("acme/other")).isFalse();
  }
}

package dev.gozo.gateway.compat.piston;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Piston's SemVer ranges against our catalogue's versions, as npm's {@code semver} reads them. */
class PistonVersionRangeTest {

  @ParameterizedTest
  @CsvSource({
    "*, 3.11.2, true",
    "'', 3.11.2, true",
    "x, 1.0.0, true",
    "3, 3.11.2, true",
    "3, 4.0.0, false",
    "3.x, 3.11.2, true",
    "3.x, 2.7.18, false",
    "3.11.x, 3.11.2, true",
    "3.11.x, 3.1.2, false",
    "3.1, 3.11.2, false",
    "3.11.2, 3.11.2, true",
    "3.11.1, 3.11.2, false",
    "=3.11.2, 3.11.2, true",
    "v3.11.2, 3.11.2, true",
    "^3, 3.11.2, true",
    "^3.12, 3.11.2, false",
    "^3.11.3, 3.11.2, false",
    "^0.2.1, 0.2.9, true",
    "^0.2.1, 0.3.0, false",
    "^0.0.3, 0.0.4, false",
    "~3.11, 3.11.9, true",
    "~3.11, 3.12.0, false",
    "~3, 3.99.0, true",
    ">=3.10 <4, 3.11.2, true",
    ">=3.12, 3.11.2, false",
    ">3, 3.11.2, false",
    ">3, 4.0.0, true",
    ">3.11.1, 3.11.2, true",
    "<3.11, 3.11.2, false",
    "<=3.11, 3.11.2, true",
    "<=3, 3.11.2, true",
    "2 || 3, 3.11.2, true",
    "2 || 4, 3.11.2, false",
    "17.0.21, 17.0.21.1, true",
    "17.0.21.1, 17.0.21.1, true",
    "17.x, 17.0.21.1, true",
    "1.6, 1.6, true",
    "latest, 3.11.2, false",
    "3.11.2-rc1, 3.11.2, true",
  })
  void shouldMatchLikeNpmSemver(String range, String version, boolean matches) {
    assertThat(VersionRange.parse(range).matches(version)).isEqualTo(matches);
  }
}

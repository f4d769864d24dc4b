package dev.gozo.jobspec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gozo.protocol.v1.Limits;
import org.junit.jupiter.api.Test;

class RuntimeCatalogueTest {

  private static final String TWO_PYTHONS =
      """
      {"runtimes": [
        {"language": "python", "version": "3.9.1", "aliases": ["py"], "image": "a", "runCommand": "python3 {entry}"},
        {"language": "python", "version": "3.11.2", "aliases": ["py"], "image": "b", "runCommand": "python3 {entry}"}
      ]}
      """;

  @Test
  void shouldPreferTheNewestVersionAndMatchWholeVersionSegments() {
    var catalogue = RuntimeCatalogue.parse(TWO_PYTHONS);
    assertThat(catalogue.resolve("PY", "").orElseThrow().getVersion()).isEqualTo("3.11.2");
    assertThat(catalogue.resolve("python", "3.9").orElseThrow().getImage()).isEqualTo("a");
    assertThat(catalogue.resolve("python", "3.1")).isEmpty();
  }

  @Test
  void shouldRefuseACatalogueWithoutImages() {
    assertThatThrownBy(
            () ->
                RuntimeCatalogue.parse(
                    "{\"runtimes\": [{\"language\": \"x\", \"runCommand\": \"x\"}]}"))
        .hasMessageContaining("image");
  }

  @Test
  void shouldShipTheSixCoreLanguages() {
    var catalogue = RuntimeCatalogue.bundled();
    for (String language : new String[] {"python", "javascript", "bash", "c", "cpp", "java"}) {
      assertThat(catalogue.knowsLanguage(language)).as(language).isTrue();
    }
  }

  @Test
  void shouldTakeRequestedLimitsThenDefaultsCappedByTheMaximum() {
    var limits =
        EffectiveLimits.resolve(
            Limits.newBuilder().setMemoryMb(64).build(),
            Limits.newBuilder().setMemoryMb(256).setWallTimeMs(5000).build(),
            Limits.newBuilder().setMemoryMb(1024).setWallTimeMs(3000).setCpuTimeMs(2000).build());
    assertThat(limits.memoryMb()).isEqualTo(64);
    assertThat(limits.wallTimeMs()).isEqualTo(3000);
    assertThat(limits.cpuTimeMs()).isEqualTo(2000);
  }

  @Test
  void shouldRenderEntryPlaceholders() {
    assertThat(CommandTemplate.render("java -cp x {entryStem} # {entry}", "pkg/Main.java"))
        .isEqualTo("java -cp x pkg/Main # pkg/Main.java");
  }
}

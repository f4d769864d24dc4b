package dev.gozo.gateway.compat.piston;

import dev.gozo.jobspec.RuntimeCatalogue;
import dev.gozo.protocol.v1.Runtime;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * Our runtime catalogue as Piston names it: the same languages, versions and aliases as {@code GET
 * /v1/runtimes}, so nothing about a language is written twice.
 */
@Singleton
final class PistonRuntimes {

  /**
   * One entry of {@code GET /api/v2/runtimes}. Piston's optional {@code runtime} (which engine runs
   * the language, e.g. deno for typescript) is always null: each of our languages has one.
   */
  @Serdeable
  record View(String language, String version, List<String> aliases, String runtime) {}

  private final RuntimeCatalogue catalogue;
  private final List<Runtime> newestFirst;
  private final List<View> views;

  PistonRuntimes(RuntimeCatalogue catalogue) {
    this.catalogue = catalogue;
    this.newestFirst = catalogue.runtimes();
    // The catalogue is fixed for the life of the process, so the answer is computed once.
    this.views =
        catalogue.runtimes().stream()
            .map(r -> new View(r.getLanguage(), r.getVersion(), r.getAliasesList(), null))
            .toList();
  }

  List<View> views() {
    return views;
  }

  /**
   * The newest runtime whose language or an alias is {@code language} (exactly, as Piston compares
   * them) and whose version is in {@code range}.
   */
  Optional<Runtime> resolve(String language, String range) {
    VersionRange versions = VersionRange.parse(range);
    // runtimes() lists each language newest first, so the first match is the newest.
    return newestFirst.stream()
        .filter(r -> r.getLanguage().equals(language) || r.getAliasesList().contains(language))
        .filter(r -> versions.matches(r.getVersion()))
        .findFirst();
  }

  RuntimeCatalogue catalogue() {
    return catalogue;
  }
}

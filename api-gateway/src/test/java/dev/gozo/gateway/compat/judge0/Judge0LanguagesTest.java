package dev.gozo.gateway.compat.judge0;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.jobspec.RuntimeCatalogue;
import dev.gozo.protocol.v1.Runtime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Judge0LanguagesTest {

  private final RuntimeCatalogue catalogue = RuntimeCatalogue.bundled();
  private final Judge0Languages languages = new Judge0Languages(catalogue);

  @Test
  void shouldServeJudge0sIdsForTheSameLanguages() {
    Map<Integer, String> expected =
        Map.of(
            71,
            "python",
            63,
            "javascript",
            54,
            "cpp",
            50,
            "c",
            62,
            "java",
            46,
            "bash",
            60,
            "go",
            73,
            "rust",
            45,
            "assembly",
            82,
            "sql");
    expected.forEach(
        (id, language) ->
            assertThat(languages.runtime(id))
                .as("id " + id)
                .map(Runtime::getLanguage)
                .hasValue(language));
    // Judge0's other C compilers run on ours.
    assertThat(languages.runtime(75)).map(Runtime::getLanguage).hasValue("c");
    assertThat(languages.runtime(9999)).isEmpty();
  }

  @Test
  void shouldGiveEachIdToOneRuntimeAndNameEveryServedOne() {
    List<Integer> ids = new ArrayList<>();
    catalogue.runtimes().forEach(runtime -> ids.addAll(runtime.getJudge0IdsList()));
    assertThat(ids).doesNotHaveDuplicates();
    catalogue.runtimes().stream()
        .filter(runtime -> runtime.getJudge0IdsCount() > 0)
        .forEach(
            runtime ->
                assertThat(Judge0Languages.name(runtime))
                    .as(runtime.getLanguage())
                    .contains(runtime.getVersion())
                    .doesNotContain("{"));
  }

  @Test
  void shouldListEachRuntimeOnceByItsFirstId() {
    assertThat(languages.list()).extracting(l -> l.get("id")).doesNotHaveDuplicates().contains(50);
    assertThat(languages.list()).extracting(l -> l.get("id")).doesNotContain(48, 49, 75);
    assertThat(languages.list()).hasSize(33);
  }
}

package dev.gozo.gateway.compat.judge0;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.jobspec.Violation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Judge0ErrorsTest {

  @Test
  void shouldNameJudge0sFieldsInItsUnits() {
    Map<String, Object> errors =
        Judge0Errors.of(
            List.of(
                new Violation("limits.wallTimeMs", "must be at most 30000 (server maximum)"),
                new Violation("limits.memoryMb", "must be at least 16"),
                new Violation("files[0].content", "must be at most 1048576 bytes"),
                new Violation("files[2].name", "duplicate file name 'a'"),
                new Violation("args[0]", "must not contain NUL characters")));

    assertThat(errors)
        .containsEntry("wall_time_limit", List.of("must be less than or equal to 30"))
        .containsEntry("memory_limit", List.of("must be greater than or equal to 16384"))
        .containsEntry("source_code", List.of("must be at most 1048576 bytes"))
        .containsEntry("additional_files", List.of("duplicate file name 'a'"))
        .containsEntry("command_line_arguments", List.of("must not contain NUL characters"));
  }
}

package dev.gozo.gateway.compat.judge0;

import com.google.protobuf.ByteString;
import dev.gozo.jobspec.Violation;
import dev.gozo.protocol.v1.Checker;
import dev.gozo.protocol.v1.CheckerType;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.Limits;
import dev.gozo.protocol.v1.Runtime;
import dev.gozo.protocol.v1.SourceFile;
import dev.gozo.protocol.v1.TestCase;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one Judge0 submission object into a job. Values are read as Rails reads them in Judge0:
 * numbers may come as numbers or numeric strings, text is UTF-8 unless {@code base64_encoded}.
 * Seconds, kilobytes and Judge0's names become our milliseconds, megabytes and fields; an {@code
 * expected_output} makes a judged job of one test compared line by line, which is Judge0's rule
 * (trailing whitespace of each line and trailing blank lines do not count).
 */
@Singleton
final class Judge0RequestReader {

  /** Judge0's fields that are accepted and have no counterpart here (isolate's own knobs). */
  static final List<String> IGNORED =
      List.of(
          "number_of_runs",
          "cpu_extra_time",
          "stack_limit",
          "enable_per_process_and_thread_time_limit",
          "enable_per_process_and_thread_memory_limit",
          "enable_network");

  private static final double MS_PER_SECOND = 1000.0;
  private static final double KB_PER_MB = 1024.0;

  private final Judge0Languages languages;

  Judge0RequestReader(Judge0Languages languages) {
    this.languages = languages;
  }

  Judge0Submission read(JsonNode body, boolean base64) {
    List<Violation> problems = new ArrayList<>();
    Map<String, Object> echo = new LinkedHashMap<>();
    ExecuteJob.Builder job = ExecuteJob.newBuilder();
    if (body == null || !body.isObject()) {
      problems.add(new Violation("submission", "must be a JSON object"));
      return new Judge0Submission(job, problems, echo, null);
    }
    Optional<Runtime> runtime = readLanguage(body, job, echo, problems);
    Optional<ByteString> source = text(body, "source_code", base64, problems);
    source.ifPresent(code -> echo.put("source_code", code));
    if (source.isEmpty() || source.get().isEmpty()) {
      Judge0Errors.addOnce(problems, "source_code", "can't be blank");
    }
    String entry = runtime.map(Runtime::getEntryFile).orElse("main");
    job.addFiles(
        SourceFile.newBuilder().setName(entry).setContent(source.orElse(ByteString.EMPTY)));
    text(body, "stdin", base64, problems)
        .ifPresent(
            stdin -> {
              job.setStdin(stdin);
              echo.put("stdin", stdin);
            });
    text(body, "expected_output", base64, problems)
        .ifPresent(
            expected -> {
              echo.put("expected_output", expected);
              job.addTests(
                      TestCase.newBuilder()
                          .setName("1")
                          .setExpectedOutput(expected)
                          .setHasExpectedOutput(true))
                  .setChecker(Checker.newBuilder().setType(CheckerType.LINES));
            });
    job.setLimits(readLimits(body, echo, problems));
    readArguments(body, job, echo, problems);
    readCompilerOptions(body, runtime, echo, problems);
    readAdditionalFiles(body, job, echo, problems);
    Judge0Values.bool(body, "redirect_stderr_to_stdout", problems)
        .ifPresent(redirect -> echo.put("redirect_stderr_to_stdout", redirect));
    String callback = Judge0Values.string(body, "callback_url", problems).orElse(null);
    if (callback != null && callback.isEmpty()) {
      callback = null;
    }
    echo.put("callback_url", callback);
    return new Judge0Submission(job, problems, echo, callback);
  }

  private Optional<Runtime> readLanguage(
      JsonNode body, ExecuteJob.Builder job, Map<String, Object> echo, List<Violation> problems) {
    Optional<Double> id = Judge0Values.number(body, "language_id", problems);
    if (id.isEmpty()) {
      Judge0Errors.addOnce(problems, "language_id", "can't be blank");
      return Optional.empty();
    }
    int languageId = (int) Math.floor(id.get());
    Optional<Runtime> runtime = languages.runtime(languageId);
    if (runtime.isEmpty() || languageId != id.get()) {
      problems.add(
          new Violation("language_id", "language with id " + asShown(id.get()) + " doesn't exist"));
      return Optional.empty();
    }
    echo.put("language_id", languageId);
    job.setLanguage(runtime.get().getLanguage()).setVersion(runtime.get().getVersion());
    return runtime;
  }

  private static Limits readLimits(
      JsonNode body, Map<String, Object> echo, List<Violation> problems) {
    Limits.Builder limits = Limits.newBuilder();
    Judge0Values.nonNegative(body, "cpu_time_limit", problems)
        .ifPresent(
            seconds -> {
              echo.put("cpu_time_limit", asShown(seconds));
              limits.setCpuTimeMs(Math.max(1, Math.round(seconds * MS_PER_SECOND)));
            });
    Judge0Values.nonNegative(body, "wall_time_limit", problems)
        .ifPresent(
            seconds -> {
              echo.put("wall_time_limit", asShown(seconds));
              limits.setWallTimeMs(Math.max(1, Math.round(seconds * MS_PER_SECOND)));
            });
    Judge0Values.nonNegative(body, "memory_limit", problems)
        .ifPresent(
            kilobytes -> {
              echo.put("memory_limit", asShown(kilobytes));
              limits.setMemoryMb(
                  (int) Math.min(Integer.MAX_VALUE, Math.ceil(kilobytes / KB_PER_MB)));
            });
    Judge0Values.nonNegative(body, "max_processes_and_or_threads", problems)
        .ifPresent(
            processes -> {
              echo.put("max_processes_and_or_threads", asShown(processes));
              limits.setProcesses((int) Math.min(Integer.MAX_VALUE, processes));
            });
    Judge0Values.nonNegative(body, "max_file_size", problems)
        .ifPresent(
            kilobytes -> {
              echo.put("max_file_size", asShown(kilobytes));
              limits.setOutputBytes(Math.max(1, Math.round(kilobytes * KB_PER_MB)));
            });
    return limits.build();
  }

  private static void readArguments(
      JsonNode body, ExecuteJob.Builder job, Map<String, Object> echo, List<Violation> problems) {
    Judge0Values.string(body, "command_line_arguments", problems)
        .ifPresent(
            line -> {
              echo.put("command_line_arguments", line);
              CommandLine.split(line)
                  .ifPresentOrElse(
                      job::addAllArgs,
                      () ->
                          problems.add(
                              new Violation("command_line_arguments", "has an unclosed quote")));
            });
  }

  /**
   * Judge0 passes compiler options to the compiler's command line. Our catalogue's compile commands
   * take none, so a non-empty value is refused rather than silently ignored.
   */
  private static void readCompilerOptions(
      JsonNode body,
      Optional<Runtime> runtime,
      Map<String, Object> echo,
      List<Violation> problems) {
    Optional<String> options = Judge0Values.string(body, "compiler_options", problems);
    options.ifPresent(value -> echo.put("compiler_options", value));
    if (options.isEmpty() || options.get().isBlank()) {
      return;
    }
    String what =
        runtime.map(r -> r.getCompileCommand().isEmpty() ? "interpreted " : "").orElse("");
    problems.add(
        new Violation(
            "compiler_options",
            "setting compiler options is not supported for this "
                + what
                + "language on this server"));
  }

  private static void readAdditionalFiles(
      JsonNode body, ExecuteJob.Builder job, Map<String, Object> echo, List<Violation> problems) {
    Optional<String> encoded = Judge0Values.string(body, "additional_files", problems);
    if (encoded.isEmpty() || encoded.get().isEmpty()) {
      return;
    }
    echo.put("additional_files", encoded.get());
    Optional<byte[]> zip = Judge0Values.base64(encoded.get(), "additional_files", problems);
    if (zip.isEmpty()) {
      return;
    }
    try {
      job.addAllFiles(AdditionalFiles.unpack(zip.get()));
    } catch (AdditionalFiles.Refused refused) {
      problems.add(new Violation("additional_files", refused.getMessage()));
    }
  }

  /** A text field's bytes: UTF-8 of the string, or its base64 decoding. */
  private static Optional<ByteString> text(
      JsonNode body, String field, boolean base64, List<Violation> problems) {
    Optional<String> value = Judge0Values.string(body, field, problems);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (!base64) {
      return Optional.of(ByteString.copyFrom(value.get(), StandardCharsets.UTF_8));
    }
    return Judge0Values.base64(value.get(), field, problems).map(ByteString::copyFrom);
  }

  /** A number as Judge0 shows it back: 128000, not 128000.0; 1.5 stays 1.5. */
  private static Object asShown(double value) {
    return value == Math.rint(value) && Math.abs(value) < Long.MAX_VALUE
        ? (Object) (long) value
        : value;
  }
}

package dev.gozo.gateway.compat.judge0;

import com.google.protobuf.ByteString;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.StepResult;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A job as Judge0 shows a submission: its status by Judge0's id, times as seconds in strings,
 * memory in kilobytes, empty output as null, and text either as UTF-8 strings or, with {@code
 * base64_encoded=true}, as base64. Output that is not UTF-8 cannot be a JSON string without loss,
 * so without base64 it is Judge0's error instead ({@link #CONVERSION_ERROR}), never mangled text.
 */
final class Judge0View {

  static final String CONVERSION_ERROR =
      "some attributes for this submission cannot be converted to UTF-8, use"
          + " base64_encoded=true";

  /** Text attributes, the ones {@code base64_encoded} applies to. */
  private static final List<String> TEXT =
      List.of(
          "source_code",
          "stdin",
          "expected_output",
          "stdout",
          "stderr",
          "compile_output",
          "message");

  private Judge0View() {}

  /**
   * The selected attributes of the job; empty when one of them is not UTF-8 and base64 was not
   * asked for. {@code echo} holds what the request sent (empty when this gateway did not take it).
   */
  static Optional<Map<String, Object>> of(
      JobState state,
      Map<String, Object> echo,
      boolean base64,
      Judge0Fields fields,
      Judge0Languages languages) {
    Map<String, Object> all = attributes(state, echo, languages);
    Map<String, Object> view = new LinkedHashMap<>();
    for (String name : fields.names()) {
      Object value = all.get(name);
      if (value instanceof ByteString bytes && TEXT.contains(name)) {
        Optional<String> text = text(bytes, base64);
        if (text.isEmpty()) {
          return Optional.empty();
        }
        value = text.get();
      }
      view.put(name, value);
    }
    return Optional.of(view);
  }

  private static Map<String, Object> attributes(
      JobState state, Map<String, Object> echo, Judge0Languages languages) {
    Map<String, Object> all = new LinkedHashMap<>(echo);
    all.put("token", state.jobId());
    Judge0Status status = Judge0Status.of(state);
    all.put("status_id", status.id);
    all.put("status", status.view());
    all.put("created_at", state.submittedAtMs() == 0 ? null : iso(state.submittedAtMs()));
    Optional<Integer> languageId =
        Optional.ofNullable((Integer) echo.get("language_id"))
            .or(() -> languages.idOf(state.language()));
    languageId.ifPresent(id -> all.put("language_id", id));
    languageId
        .flatMap(id -> languages.runtime(id).map(runtime -> Judge0Languages.view(id, runtime)))
        .ifPresent(language -> all.put("language", language));
    if (state.isFinished()) {
      finished(state.result(), Boolean.TRUE.equals(echo.get("redirect_stderr_to_stdout")), all);
    }
    return all;
  }

  private static void finished(JobCompleted result, boolean redirect, Map<String, Object> all) {
    all.put("finished_at", result.getFinishedAtMs() == 0 ? null : iso(result.getFinishedAtMs()));
    all.put("message", nullIfEmpty(ByteString.copyFromUtf8(result.getMessage())));
    if (result.hasCompile()) {
      StepResult compile = result.getCompile();
      all.put("compile_output", nullIfEmpty(compile.getStdout().concat(compile.getStderr())));
    }
    StepResult run = Judge0Results.run(result);
    if (run == null) {
      return;
    }
    if (redirect) {
      // Judge0 merges the streams in the sandbox; ours are captured apart: stdout, then stderr.
      all.put("stdout", nullIfEmpty(run.getStdout().concat(run.getStderr())));
    } else {
      all.put("stdout", nullIfEmpty(run.getStdout()));
      all.put("stderr", nullIfEmpty(run.getStderr()));
    }
    all.put("exit_code", run.getSignal() == 0 ? run.getExitCode() : null);
    all.put("exit_signal", run.getSignal() == 0 ? null : run.getSignal());
    all.put("time", seconds(run.getCpuTimeMs()));
    all.put("wall_time", seconds(run.getWallTimeMs()));
    all.put("memory", run.getMemoryBytes() / 1024);
  }

  private static Optional<String> text(ByteString bytes, boolean base64) {
    if (base64) {
      return Optional.of(Base64.getEncoder().encodeToString(bytes.toByteArray()));
    }
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(bytes.asReadOnlyByteBuffer())
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static ByteString nullIfEmpty(ByteString bytes) {
    return bytes.isEmpty() ? null : bytes;
  }

  static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
  }

  private static String iso(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }
}

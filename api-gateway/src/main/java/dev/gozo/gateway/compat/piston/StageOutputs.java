package dev.gozo.gateway.compat.piston;

import dev.gozo.gateway.live.LiveEvent;
import dev.gozo.gateway.live.LiveSink;
import dev.gozo.gateway.results.ExecutionView;
import dev.gozo.gateway.results.StepView;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Follows one job's live stream to its result and keeps each stage's stdout and stderr bytes in the
 * order the worker read them: Piston's {@code output} is the two streams interleaved, which the
 * result's separate stdout and stderr cannot give back.
 *
 * <p>The live hub calls a sink from one thread at a time; the HTTP answer reads the outputs from
 * another, so both go through this object's lock.
 */
final class StageOutputs implements LiveSink {

  private final Map<String, ByteArrayOutputStream> byStage = new HashMap<>();
  private final CompletableFuture<ExecutionView> result = new CompletableFuture<>();
  private String stage = "run";

  /**
   * The job's result; completes with null when the stream ended without one (the subscriber fell
   * behind, or the gateway stops): the caller then reads the result from the store.
   */
  CompletableFuture<ExecutionView> result() {
    return result;
  }

  /** What {@code stage} ("compile" or "run") wrote to stdout and stderr, in order; null if none. */
  synchronized String interleaved(String stage) {
    ByteArrayOutputStream bytes = byStage.get(stage);
    return bytes == null ? null : bytes.toString(StandardCharsets.UTF_8);
  }

  /**
   * Whether every byte of {@code result}'s output has come through the stream already, so the
   * answer need not wait for the stream's own copy of the result.
   */
  synchronized boolean sawAllOf(ExecutionView result) {
    return sawAll(result.compile(), "compile") && sawAll(result.run(), "run");
  }

  private boolean sawAll(StepView step, String stage) {
    if (step == null) {
      return true;
    }
    String seen = interleaved(stage);
    int expected = length(step.stdout()) + length(step.stderr());
    return (seen == null ? 0 : seen.length()) == expected;
  }

  private static int length(String text) {
    return text == null ? 0 : text.length();
  }

  @Override
  public boolean ready() {
    return true;
  }

  @Override
  public synchronized void send(LiveEvent event) {
    if (event instanceof LiveEvent.Started) {
      byStage.clear(); // a redelivered job runs again from the start: only its last attempt counts
      stage = "run";
    } else if (event instanceof LiveEvent.Stage started) {
      stage = started.stage();
    } else if (event instanceof LiveEvent.Output output) {
      byte[] data =
          output.base64()
              ? Base64.getDecoder().decode(output.data())
              : output.data().getBytes(StandardCharsets.UTF_8);
      byStage.computeIfAbsent(stage, s -> new ByteArrayOutputStream()).writeBytes(data);
    } else if (event instanceof LiveEvent.Result finished) {
      result.complete(finished.view());
    }
  }

  @Override
  public void heartbeat() {
    // Nobody to keep awake: the answer is sent once, at the end.
  }

  @Override
  public void end(boolean complete) {
    result.complete(null);
  }
}

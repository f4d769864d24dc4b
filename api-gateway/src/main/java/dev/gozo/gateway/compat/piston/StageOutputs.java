package dev.gozo.gateway.compat.piston;

import dev.gozo.gateway.live.LiveEvent;
import dev.gozo.gateway.live.LiveSink;
import dev.gozo.gateway.results.ExecutionView;
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
 * <p>The live hub calls a sink from one thread at a time; the outputs are read only after {@link
 * #result()} completed, which orders those reads after every write.
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
  String interleaved(String stage) {
    ByteArrayOutputStream bytes = byStage.get(stage);
    return bytes == null ? null : bytes.toString(StandardCharsets.UTF_8);
  }

  @Override
  public boolean ready() {
    return true;
  }

  @Override
  public void send(LiveEvent event) {
    if (event instanceof LiveEvent.Stage started) {
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

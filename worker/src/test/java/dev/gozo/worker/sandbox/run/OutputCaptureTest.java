package dev.gozo.worker.sandbox.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutputCaptureTest {

  private static final String NONCE = "abc123";

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String marker(String event) {
    return "\n\0GOZO:" + NONCE + ":" + event + "\n";
  }

  @Test
  void shouldSplitCompileAndRunOutputAtTheMarkersEvenAcrossFrames() {
    OutputCapture capture = new OutputCapture(NONCE, 100, 100);
    String stream = "warning: x" + marker("compiled:0") + marker("ready") + "program output";

    for (char c : stream.toCharArray()) {
      capture.onStdout(new byte[] {(byte) c});
    }
    capture.onStderr(bytes(marker("compiled:0") + marker("ready")));

    assertThat(capture.compiled()).isCompletedWithValue(0);
    assertThat(capture.ready()).isDone();
    assertThat(new String(capture.compileStdout(), StandardCharsets.ISO_8859_1))
        .isEqualTo("warning: x");
    assertThat(new String(capture.runStdout(), StandardCharsets.ISO_8859_1))
        .isEqualTo("program output");
  }

  @Test
  void shouldNeverInterpretMarkersThatTheProgramPrints() {
    OutputCapture capture = new OutputCapture(NONCE, 100, 1000);
    capture.onStdout(bytes(marker("ready")));
    capture.onStderr(bytes(marker("ready")));

    capture.onStdout(bytes(marker("compiled:1")));

    assertThat(capture.compiled()).isNotDone();
    assertThat(new String(capture.runStdout(), StandardCharsets.ISO_8859_1))
        .isEqualTo(marker("compiled:1"));
  }

  @Test
  void shouldCapRunOutputAcrossBothStreamsAndFlagTheLimit() {
    OutputCapture capture = new OutputCapture(NONCE, 100, 10);
    capture.onStdout(bytes(marker("ready")));
    capture.onStderr(bytes(marker("ready")));

    capture.onStdout(bytes("123456"));
    capture.onStderr(bytes("abcdef"));

    assertThat(capture.runStdout()).hasSize(6);
    assertThat(new String(capture.runStderr(), StandardCharsets.ISO_8859_1)).isEqualTo("abcd");
    assertThat(capture.runStderrTruncated()).isTrue();
    assertThat(capture.runStdoutTruncated()).isFalse();
    assertThat(capture.outputLimitHit()).isDone();
  }

  @Test
  void shouldKeepPartialMarkerBytesThatTurnOutToBeOrdinaryOutput() {
    OutputCapture capture = new OutputCapture(NONCE, 100, 100);

    capture.onStdout(bytes("a\n\0GOZ\nb"));

    assertThat(new String(capture.compileStdout(), StandardCharsets.ISO_8859_1))
        .isEqualTo("a\n\0GOZ\nb");
  }

  @Test
  void shouldKeepATrailingNewlineWhenTheStreamsEndWithoutTheExitMarker() {
    OutputCapture capture = new OutputCapture(NONCE, 100, 100);
    capture.onStdout(bytes(marker("ready")));
    capture.onStderr(bytes(marker("ready")));
    capture.onStdout(bytes("last line\n"));
    capture.onStderr(bytes("warn\n\0GO"));

    capture.streamsEnded();

    assertThat(new String(capture.runStdout(), StandardCharsets.ISO_8859_1))
        .isEqualTo("last line\n");
    assertThat(new String(capture.runStderr(), StandardCharsets.ISO_8859_1))
        .isEqualTo("warn\n\0GO");
  }
}

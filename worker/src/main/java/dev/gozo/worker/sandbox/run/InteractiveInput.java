package dev.gozo.worker.sandbox.run;

import dev.gozo.worker.sandbox.LiveSession;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * What an interactive program's input looks like on the container's stdin once it runs: frames the
 * launcher's relay (launcher.sh) turns into bytes on the program's stdin, its end, or a signal:
 *
 * <pre>
 *   d N\n&lt;N bytes&gt;   bytes for the program's stdin
 *   e\n              end of input: the program reads EOF
 *   s NAME\n         the program gets signal NAME (INT, TERM or KILL)
 * </pre>
 *
 * The launcher's own protocol is over by then, so nothing here can be mistaken for it.
 */
final class InteractiveInput {

  /** The signals a caller may send (without the SIG prefix); anything else is never framed. */
  static final Set<String> SIGNALS = LiveSession.Controls.SIGNALS;

  private InteractiveInput() {}

  static byte[] data(byte[] bytes) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(bytes.length + 16);
    frame.writeBytes(("d " + bytes.length + "\n").getBytes(StandardCharsets.US_ASCII));
    frame.writeBytes(bytes);
    return frame.toByteArray();
  }

  static byte[] endOfInput() {
    return "e\n".getBytes(StandardCharsets.US_ASCII);
  }

  /** NAME without "SIG"; one the launcher must not get is refused here. */
  static byte[] signal(String name) {
    if (!SIGNALS.contains(name)) {
      throw new IllegalArgumentException("not a signal a caller may send: " + name);
    }
    return ("s " + name + "\n").getBytes(StandardCharsets.US_ASCII);
  }
}

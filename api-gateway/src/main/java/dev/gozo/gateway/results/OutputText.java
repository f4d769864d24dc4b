package dev.gozo.gateway.results;

import com.google.protobuf.ByteString;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A program's output for JSON. Output is bytes, JSON strings are Unicode: valid UTF-8 (NUL
 * included, which JSON escapes as \u0000) becomes the string as is; anything else becomes its lossy
 * decoding (each invalid sequence as U+FFFD) plus the exact bytes in base64, so a client that needs
 * them byte for byte can have them and one that does not can ignore the extra field.
 *
 * @param text the output as a string, lossy when {@code base64} is present
 * @param base64 the exact bytes, only when they are not valid UTF-8
 */
public record OutputText(String text, String base64) {

  public static OutputText of(ByteString bytes) {
    try {
      String exact =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(bytes.asReadOnlyByteBuffer())
              .toString();
      return new OutputText(exact, null);
    } catch (CharacterCodingException e) {
      return new OutputText(
          bytes.toString(StandardCharsets.UTF_8),
          Base64.getEncoder().encodeToString(bytes.toByteArray()));
    }
  }
}

package dev.gozo.worker.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Where {@link Utf8} lets a chunk end: never inside a character, anywhere in bytes that are not
 * UTF-8.
 */
class Utf8Test {

  @Test
  void shouldCutAtTheLimitWhenTheBytesEndWithAWholeCharacter() {
    byte[] text = "aé€😀".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 + 4 bytes

    assertThat(Utf8.boundaryAtOrBefore(text, text.length)).isEqualTo(text.length);
    assertThat(Utf8.boundaryAtOrBefore(text, 1)).isEqualTo(1);
    assertThat(Utf8.boundaryAtOrBefore(text, 3)).isEqualTo(3);
    assertThat(Utf8.boundaryAtOrBefore(text, 6)).isEqualTo(6);
  }

  @Test
  void shouldCutBeforeACharacterWhoseBytesAreNotAllThere() {
    byte[] text = "aé€😀".getBytes(StandardCharsets.UTF_8);

    // inside é (bytes 1..2), € (3..5) and 😀 (6..9): the cut moves back to the character's start
    assertThat(Utf8.boundaryAtOrBefore(text, 2)).isEqualTo(1);
    assertThat(Utf8.boundaryAtOrBefore(text, 4)).isEqualTo(3);
    assertThat(Utf8.boundaryAtOrBefore(text, 5)).isEqualTo(3);
    assertThat(Utf8.boundaryAtOrBefore(text, 7)).isEqualTo(6);
    assertThat(Utf8.boundaryAtOrBefore(text, 8)).isEqualTo(6);
    assertThat(Utf8.boundaryAtOrBefore(text, 9)).isEqualTo(6);
  }

  @Test
  void shouldCutBytesThatAreNotUtf8AtTheLimit() {
    byte[] binary = {(byte) 0xff, (byte) 0xfe, (byte) 0xc0, (byte) 0x80, (byte) 0x80};
    byte[] strayContinuations = {(byte) 0x80, (byte) 0x81, (byte) 0x82};
    byte[] overlongRun = {
      (byte) 0xf0, (byte) 0x90, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80
    };

    assertThat(Utf8.boundaryAtOrBefore(binary, 2)).isEqualTo(2);
    assertThat(Utf8.boundaryAtOrBefore(binary, 5)).isEqualTo(5);
    assertThat(Utf8.boundaryAtOrBefore(strayContinuations, 3)).isEqualTo(3);
    assertThat(Utf8.boundaryAtOrBefore(overlongRun, 6)).isEqualTo(6);
  }
}

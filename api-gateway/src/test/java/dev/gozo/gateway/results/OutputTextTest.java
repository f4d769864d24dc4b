package dev.gozo.gateway.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class OutputTextTest {

  @Test
  void shouldPassValidUtf8ThroughWithoutBase64() {
    OutputText text = OutputText.of(ByteString.copyFromUtf8("héllo wörld ✓ 🚀\n"));

    assertThat(text.text()).isEqualTo("héllo wörld ✓ 🚀\n");
    assertThat(text.base64()).isNull();
  }

  @Test
  void shouldTreatNulAsValidUtf8() {
    OutputText text = OutputText.of(ByteString.copyFrom(new byte[] {'a', 0, 'b'}));

    assertThat(text.text()).isEqualTo("a\u0000b");
    assertThat(text.base64()).isNull();
  }

  @Test
  void shouldGiveLossyTextAndExactBase64ForInvalidUtf8() {
    // given bytes that are not UTF-8: a lone continuation byte and a Latin-1 'é'
    byte[] bytes = {'o', 'k', (byte) 0x80, ' ', (byte) 0xE9, '!'};

    // when
    OutputText text = OutputText.of(ByteString.copyFrom(bytes));

    // then
    assertThat(text.text()).isEqualTo("ok\uFFFD \uFFFD!");
    assertThat(Base64.getDecoder().decode(text.base64())).isEqualTo(bytes);
  }

  @Test
  void shouldFlagOutputCutInsideACharacter() {
    // given "✓" (E2 9C 93) truncated after two bytes, as an output limit may cut it
    byte[] bytes = {'a', (byte) 0xE2, (byte) 0x9C};

    OutputText text = OutputText.of(ByteString.copyFrom(bytes));

    assertThat(text.text()).startsWith("a").contains("\uFFFD");
    assertThat(Base64.getDecoder().decode(text.base64())).isEqualTo(bytes);
  }

  @Test
  void shouldRejectEncodedSurrogatesAndOverlongForms() {
    byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
    byte[] overlong = {(byte) 0xC0, (byte) 0xAF};

    assertThat(OutputText.of(ByteString.copyFrom(surrogate)).base64()).isNotNull();
    assertThat(OutputText.of(ByteString.copyFrom(overlong)).base64()).isNotNull();
  }

  @Test
  void shouldRenderEmptyOutputAsEmptyString() {
    OutputText text = OutputText.of(ByteString.EMPTY);

    assertThat(text.text()).isEmpty();
    assertThat(text.base64()).isNull();
  }
}

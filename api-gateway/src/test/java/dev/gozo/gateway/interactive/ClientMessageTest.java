package dev.gozo.gateway.interactive;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientMessageTest {

  private static final JsonMapper JSON = JsonMapper.createDefault();

  @Test
  void shouldReadStdinEofAndTheAllowedSignals() {
    assertThat(parse("{\"type\":\"stdin\",\"data\":\"h\u00e9\\n\"}").get(0))
        .isInstanceOfSatisfying(
            ClientMessage.Stdin.class,
            s -> assertThat(s.data()).isEqualTo("h\u00e9\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(parse("{\"type\":\"stdin\",\"eof\":true}")).containsExactly(new ClientMessage.Eof());
    assertThat(parse("{\"type\":\"stdin\",\"data\":\"x\",\"eof\":true}"))
        .hasSize(2)
        .last()
        .isEqualTo(new ClientMessage.Eof());
    for (String signal : List.of("SIGINT", "SIGTERM", "SIGKILL")) {
      assertThat(parse("{\"type\":\"signal\",\"signal\":\"" + signal + "\"}"))
          .containsExactly(new ClientMessage.Signal(signal));
    }
  }

  @Test
  void shouldNameTheProblemOfEveryOtherMessage() {
    assertThat(invalid("not json")).contains("not valid JSON");
    assertThat(invalid("[1]")).contains("JSON object");
    assertThat(invalid("{\"data\":\"x\"}")).contains("\"type\"");
    assertThat(invalid("{\"type\":\"resize\"}")).contains("unknown message type \"resize\"");
    assertThat(invalid("{\"type\":\"signal\",\"signal\":\"SIGSTOP\"}"))
        .contains("SIGINT, SIGTERM, SIGKILL");
    assertThat(invalid("{\"type\":\"stdin\",\"data\":42}")).contains("must be a string");
    assertThat(invalid("{\"type\":\"stdin\"}")).contains("\"data\"");
  }

  private static List<ClientMessage> parse(String text) {
    return ClientMessage.parse(JSON, text);
  }

  private static String invalid(String text) {
    List<ClientMessage> messages = parse(text);
    assertThat(messages).hasSize(1);
    return ((ClientMessage.Invalid) messages.get(0)).message();
  }
}

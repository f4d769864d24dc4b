package dev.gozo.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.jobspec.Violation;
import dev.gozo.protocol.v1.ExecuteJob;
import io.micronaut.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutionRequestReaderTest {

  private final ExecutionRequestReader reader =
      new ExecutionRequestReader(JsonMapper.createDefault());

  @Test
  void shouldReadACompleteRequest() {
    // given
    String json =
        """
        {"language": "py", "version": "3.11",
         "files": [{"name": "main.py", "content": "print(input())"},
                   {"name": "data.bin", "content": "AAEC/w==", "encoding": "base64"},
                   {"name": "u.txt", "content": "ü", "encoding": "utf-8"}],
         "stdin": "hi\\n", "args": ["-v", ""],
         "limits": {"wallTimeMs": 5000, "cpuTimeMs": 2000.0, "memoryMb": 64,
                    "processes": 8, "outputBytes": 1024},
         "somethingNewer": true}
        """;

    // when
    ExecutionRequestReader.Read read = read(json);

    // then
    assertThat(read.problems()).isEmpty();
    ExecuteJob job = read.job().build();
    assertThat(job.getLanguage()).isEqualTo("py");
    assertThat(job.getVersion()).isEqualTo("3.11");
    assertThat(job.getFiles(0).getName()).isEqualTo("main.py");
    assertThat(job.getFiles(0).getContent().toStringUtf8()).isEqualTo("print(input())");
    assertThat(job.getFiles(1).getContent().toByteArray()).containsExactly(0, 1, 2, 0xFF);
    assertThat(job.getFiles(2).getContent().toByteArray()).containsExactly(0xC3, 0xBC);
    assertThat(job.getStdin().toStringUtf8()).isEqualTo("hi\n");
    assertThat(job.getArgsList()).containsExactly("-v", "");
    assertThat(job.getLimits().getWallTimeMs()).isEqualTo(5000);
    assertThat(job.getLimits().getCpuTimeMs()).isEqualTo(2000);
    assertThat(job.getLimits().getMemoryMb()).isEqualTo(64);
    assertThat(job.getLimits().getProcesses()).isEqualTo(8);
    assertThat(job.getLimits().getOutputBytes()).isEqualTo(1024);
  }

  @Test
  void shouldReadTheCallbackAndNameItsFieldsOfTheWrongShape() {
    ExecutionRequestReader.Read ok =
        read(
            """
            {"language": "py", "files": [{"name": "m.py", "content": ""}],
             "callback": {"url": "https://hooks.example.com/x", "secret": "s3cret"}}
            """);
    ExecutionRequestReader.Read none =
        read("{\"language\": \"py\", \"files\": [], \"callback\": null}");
    ExecutionRequestReader.Read notObject = read("{\"callback\": \"https://x\"}");
    ExecutionRequestReader.Read badTypes =
        read("{\"callback\": {\"url\": 1, \"secret\": [\"s\"]}}");

    assertThat(ok.problems()).isEmpty();
    assertThat(ok.callback().url()).isEqualTo("https://hooks.example.com/x");
    assertThat(ok.callback().secret()).isEqualTo("s3cret");
    assertThat(ok.callback().toString()).doesNotContain("s3cret");
    assertThat(none.callback()).isNull();
    assertThat(notObject.problems()).extracting(Violation::field).containsExactly("callback");
    assertThat(notObject.callback()).isNull();
    assertThat(badTypes.problems())
        .extracting(Violation::field)
        .containsExactly("callback.url", "callback.secret");
    assertThat(badTypes.callback()).isNull();
  }

  @Test
  void shouldTreatNullsAsAbsent() {
    ExecutionRequestReader.Read read =
        read(
            """
            {"language": "py", "version": null, "stdin": null, "args": null, "limits": null,
             "files": [{"name": "main.py", "content": "", "encoding": null}]}
            """);

    assertThat(read.problems()).isEmpty();
    assertThat(read.job().hasLimits()).isFalse();
  }

  @Test
  void shouldAcceptBase64WithLineBreaksAndWithoutPadding() {
    ExecutionRequestReader.Read read =
        read(
            "{\"files\": [{\"name\": \"a\", \"content\": \"aGVs\\n"
                + "bG8\", \"encoding\": \"base64\"}]}");

    assertThat(read.problems()).isEmpty();
    assertThat(read.job().getFiles(0).getContent().toStringUtf8()).isEqualTo("hello");
  }

  @Test
  void shouldNameTheBodyWhenItIsNotJson() {
    assertThat(fields(read(""))).containsExactly("body");
    assertThat(fields(read("{\"language\": "))).containsExactly("body");
    assertThat(fields(read("not json"))).containsExactly("body");
    assertThat(fields(read("[]"))).containsExactly("body");
    assertThat(fields(read("\"a string\""))).containsExactly("body");
    assertThat(fields(read("null"))).containsExactly("body");
    assertThat(fields(read("{} {}"))).containsExactly("body");
    assertThat(fields(reader.read(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 1})))
        .containsExactly("body");
    assertThat(fields(reader.read(null))).containsExactly("body");
  }

  @Test
  void shouldNameEachFieldOfTheWrongType() {
    assertThat(fields(read("{\"language\": 3}"))).containsExactly("language");
    assertThat(fields(read("{\"version\": 3.11}"))).containsExactly("version");
    assertThat(fields(read("{\"files\": \"main.py\"}"))).containsExactly("files");
    assertThat(fields(read("{\"files\": [\"main.py\"]}"))).containsExactly("files[0]");
    assertThat(fields(read("{\"files\": [{\"name\": 1, \"content\": \"\"}]}")))
        .containsExactly("files[0].name");
    assertThat(fields(read("{\"files\": [{\"name\": \"a\", \"content\": {}}]}")))
        .containsExactly("files[0].content");
    assertThat(fields(read("{\"files\": [{\"name\": \"a\"}]}")))
        .containsExactly("files[0].content");
    assertThat(fields(read("{\"stdin\": []}"))).containsExactly("stdin");
    assertThat(fields(read("{\"args\": \"-v\"}"))).containsExactly("args");
    assertThat(fields(read("{\"args\": [\"ok\", 2, null]}"))).containsExactly("args[1]", "args[2]");
    assertThat(fields(read("{\"limits\": 5}"))).containsExactly("limits");
    assertThat(fields(read("{\"limits\": {\"memoryMb\": \"64\"}}")))
        .containsExactly("limits.memoryMb");
    assertThat(fields(read("{\"limits\": {\"cpuTimeMs\": 1.5}}")))
        .containsExactly("limits.cpuTimeMs");
    assertThat(fields(read("{\"limits\": {\"wallTimeMs\": true}}")))
        .containsExactly("limits.wallTimeMs");
  }

  @Test
  void shouldRejectUnknownLimits() {
    ExecutionRequestReader.Read read = read("{\"limits\": {\"memory\": 64}}");

    assertThat(fields(read)).containsExactly("limits.memory");
    assertThat(read.problems().get(0).message()).contains("memoryMb");
  }

  @Test
  void shouldRejectHugeNumbersInsteadOfWrapping() {
    assertThat(fields(read("{\"limits\": {\"wallTimeMs\": 99999999999999999999999}}")))
        .containsExactly("limits.wallTimeMs");
    assertThat(fields(read("{\"limits\": {\"memoryMb\": 4294967296}}")))
        .containsExactly("limits.memoryMb");
    assertThat(fields(read("{\"limits\": {\"outputBytes\": 1e400}}")))
        .containsExactly("limits.outputBytes");
  }

  @Test
  void shouldNameBadBase64AndUnknownEncodings() {
    assertThat(
            fields(
                read(
                    "{\"files\": [{\"name\": \"a\", \"content\": \"%%%\", \"encoding\":"
                        + " \"base64\"}]}")))
        .containsExactly("files[0].content");
    assertThat(
            fields(
                read(
                    "{\"files\": [{\"name\": \"a\", \"content\": \"x\"},"
                        + " {\"name\": \"b\", \"content\": \"x\", \"encoding\": \"hex\"}]}")))
        .containsExactly("files[1].encoding");
    assertThat(
            fields(read("{\"files\": [{\"name\": \"a\", \"content\": \"x\", \"encoding\": 64}]}")))
        .containsExactly("files[0].encoding");
  }

  @Test
  void shouldRejectDeeplyNestedJsonAsBadBody() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);

    assertThat(fields(read("{\"args\": " + deep + "}"))).containsExactly("body");
  }

  private ExecutionRequestReader.Read read(String json) {
    return reader.read(json.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> fields(ExecutionRequestReader.Read read) {
    return read.problems().stream().map(Violation::field).toList();
  }
}

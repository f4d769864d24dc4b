package dev.gozo.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.jobspec.Violation;
import dev.gozo.protocol.v1.CheckerType;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.TestCase;
import io.micronaut.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A judged request's tests, checker and stopOnFirstFailure, read into the job (issue 15). */
class JudgingRequestReaderTest {

  private final ExecutionRequestReader reader =
      new ExecutionRequestReader(JsonMapper.createDefault());

  @Test
  void shouldReadTestsCheckerAndStopOnFirstFailure() {
    // given
    String json =
        """
        {"language": "py", "files": [{"name": "main.py", "content": "print(input())"}],
         "tests": [
           {"name": "sum", "stdin": "2 3\\n", "expectedOutput": "5\\n", "args": ["-q"],
            "limits": {"wallTimeMs": 1000, "memoryMb": 64}},
           {"stdin": "AP8=", "expectedOutput": "/w==", "encoding": "base64"},
           {"args": []}],
         "checker": {"type": "FLOAT", "epsilon": 1e-6},
         "stopOnFirstFailure": true}
        """;

    // when
    ExecutionRequestReader.Read read = read(json);

    // then
    assertThat(read.problems()).isEmpty();
    ExecuteJob job = read.job().build();
    assertThat(job.getTestsList()).extracting(TestCase::getName).containsExactly("sum", "2", "3");
    TestCase sum = job.getTests(0);
    assertThat(sum.getStdin().toStringUtf8()).isEqualTo("2 3\n");
    assertThat(sum.getHasStdin()).isTrue();
    assertThat(sum.getExpectedOutput().toStringUtf8()).isEqualTo("5\n");
    assertThat(sum.getHasExpectedOutput()).isTrue();
    assertThat(sum.getArgsList()).containsExactly("-q");
    assertThat(sum.getHasArgs()).isTrue();
    assertThat(sum.getLimits().getWallTimeMs()).isEqualTo(1000);
    assertThat(sum.getLimits().getMemoryMb()).isEqualTo(64);
    TestCase binary = job.getTests(1);
    assertThat(binary.getStdin().toByteArray()).containsExactly(0x00, 0xFF);
    assertThat(binary.getExpectedOutput().toByteArray()).containsExactly(0xFF);
    assertThat(binary.getHasArgs()).isFalse();
    TestCase onlyRuns = job.getTests(2);
    assertThat(onlyRuns.getHasStdin()).isFalse();
    assertThat(onlyRuns.getHasExpectedOutput()).isFalse();
    assertThat(onlyRuns.getHasArgs()).isTrue();
    assertThat(job.getChecker().getType()).isEqualTo(CheckerType.FLOAT);
    assertThat(job.getChecker().getEpsilon()).isEqualTo(1e-6);
    assertThat(job.getStopOnFirstFailure()).isTrue();
  }

  @Test
  void shouldReadACheckerProgram() {
    ExecutionRequestReader.Read read =
        read(
            """
            {"tests": [{"expectedOutput": "1"}],
             "checker": {"type": "program", "language": "c", "version": "12",
                         "files": [{"name": "check.c", "content": "aW50IG1haW4oKXt9",
                                    "encoding": "base64"}]}}
            """);

    assertThat(read.problems()).isEmpty();
    var checker = read.job().getChecker();
    assertThat(checker.getType()).isEqualTo(CheckerType.PROGRAM);
    assertThat(checker.getLanguage()).isEqualTo("c");
    assertThat(checker.getVersion()).isEqualTo("12");
    assertThat(checker.getFiles(0).getName()).isEqualTo("check.c");
    assertThat(checker.getFiles(0).getContent().toStringUtf8()).isEqualTo("int main(){}");
  }

  @Test
  void shouldLeaveAPlainRequestWithoutTestsOrChecker() {
    ExecutionRequestReader.Read read =
        read("{\"tests\": null, \"checker\": null, \"stopOnFirstFailure\": null}");

    assertThat(read.problems()).isEmpty();
    assertThat(read.job().getTestsCount()).isZero();
    assertThat(read.job().hasChecker()).isFalse();
  }

  @Test
  void shouldNameEachJudgingFieldOfTheWrongShape() {
    assertThat(fields(read("{\"tests\": {}}"))).containsExactly("tests");
    assertThat(fields(read("{\"tests\": []}"))).containsExactly("tests");
    assertThat(fields(read("{\"tests\": [1]}"))).containsExactly("tests[0]");
    assertThat(fields(read("{\"tests\": [{}, {\"stdin\": 5}]}"))).containsExactly("tests[1].stdin");
    assertThat(fields(read("{\"tests\": [{\"expectedOutput\": []}]}")))
        .containsExactly("tests[0].expectedOutput");
    assertThat(fields(read("{\"tests\": [{\"args\": [1]}]}"))).containsExactly("tests[0].args[0]");
    assertThat(fields(read("{\"tests\": [{\"limits\": {\"memoryMb\": \"a\"}}]}")))
        .containsExactly("tests[0].limits.memoryMb");
    assertThat(fields(read("{\"tests\": [{\"stdin\": \"%\", \"encoding\": \"base64\"}]}")))
        .containsExactly("tests[0].stdin");
    assertThat(fields(read("{\"tests\": [{\"stdin\": \"a\", \"encoding\": \"hex\"}]}")))
        .containsExactly("tests[0].encoding");
    assertThat(fields(read("{\"checker\": \"exact\"}"))).containsExactly("checker");
    assertThat(fields(read("{\"checker\": {\"type\": \"regex\"}}")))
        .containsExactly("checker.type");
    assertThat(fields(read("{\"checker\": {\"type\": 1}}"))).containsExactly("checker.type");
    assertThat(fields(read("{\"checker\": {\"type\": \"float\", \"epsilon\": \"0.1\"}}")))
        .containsExactly("checker.epsilon");
    assertThat(fields(read("{\"checker\": {\"type\": \"program\", \"files\": [{}]}}")))
        .containsExactly("checker.files[0].content");
    assertThat(fields(read("{\"stopOnFirstFailure\": \"yes\"}")))
        .containsExactly("stopOnFirstFailure");
  }

  @Test
  void shouldRefuseMisspeltFieldsOfATestOrChecker() {
    ExecutionRequestReader.Read read =
        read("{\"tests\": [{\"expected\": \"5\"}], \"checker\": {\"epsilom\": 0.1}}");

    assertThat(fields(read)).containsExactly("tests[0].expected", "checker.epsilom");
    assertThat(read.problems().get(0).message()).contains("expectedOutput");
  }

  private ExecutionRequestReader.Read read(String json) {
    return reader.read(json.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> fields(ExecutionRequestReader.Read read) {
    return read.problems().stream().map(Violation::field).toList();
  }
}

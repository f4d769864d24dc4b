package dev.gozo.jobspec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gozo.protocol.v1.Checker;
import dev.gozo.protocol.v1.CheckerType;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.Limits;
import dev.gozo.protocol.v1.SourceFile;
import dev.gozo.protocol.v1.TestCase;
import org.junit.jupiter.api.Test;

/** The rules of a judged job's tests and checker (issue 15), as the gateway and worker see them. */
class JobValidatorJudgingTest {

  private final JobValidator validator =
      new JobValidator(RuntimeCatalogue.bundled(), JobBounds.defaults());

  private static ExecuteJob.Builder judgedJob() {
    return ExecuteJob.newBuilder()
        .setJobId("0193-abc")
        .setTenant("acme")
        .setLanguage("python")
        .addFiles(source("main.py"))
        .addTests(test("1", "2 3\n", "5\n"));
  }

  private static SourceFile source(String name) {
    return SourceFile.newBuilder()
        .setName(name)
        .setContent(ByteString.copyFromUtf8("print(1)"))
        .build();
  }

  private static TestCase.Builder test(String name, String stdin, String expected) {
    return TestCase.newBuilder()
        .setName(name)
        .setStdin(ByteString.copyFromUtf8(stdin))
        .setHasStdin(true)
        .setExpectedOutput(ByteString.copyFromUtf8(expected))
        .setHasExpectedOutput(true);
  }

  private static Checker.Builder program(String language) {
    return Checker.newBuilder()
        .setType(CheckerType.PROGRAM)
        .setLanguage(language)
        .addFiles(source("check.py"));
  }

  @Test
  void shouldAcceptTestsWithEveryChecker() {
    assertThat(validator.validate(judgedJob().build())).isEmpty();
    for (CheckerType type :
        new CheckerType[] {CheckerType.EXACT, CheckerType.LINES, CheckerType.TOKENS}) {
      assertThat(
              validator.validate(
                  judgedJob().setChecker(Checker.newBuilder().setType(type)).build()))
          .as(type.name())
          .isEmpty();
    }
    assertThat(
            validator.validate(
                judgedJob()
                    .setChecker(Checker.newBuilder().setType(CheckerType.FLOAT).setEpsilon(1e-6))
                    .build()))
        .isEmpty();
    assertThat(validator.validate(judgedJob().setChecker(program("c")).build())).isEmpty();
  }

  @Test
  void shouldRefuseMoreThan256Tests() {
    ExecuteJob.Builder job = judgedJob().clearTests();
    for (int i = 0; i < 256; i++) {
      job.addTests(test(String.valueOf(i + 1), "", ""));
    }
    assertThat(validator.validate(job.build())).isEmpty();

    job.addTests(test("257", "", ""));

    assertThat(validator.validate(job.build()))
        .extracting(Violation::field)
        .containsExactly("tests");
  }

  @Test
  void shouldNameTheTestWhoseLimitsOrArgsAreWrong() {
    ExecuteJob job =
        judgedJob()
            .addTests(
                test("2", "", "")
                    .setLimits(Limits.newBuilder().setMemoryMb(8).setWallTimeMs(999_999_999))
                    .addArgs("a\0b")
                    .setHasArgs(true))
            .build();

    assertThat(validator.validate(job))
        .extracting(Violation::field)
        .containsExactlyInAnyOrder(
            "tests[1].limits.memoryMb", "tests[1].limits.wallTimeMs", "tests[1].args[0]");
  }

  @Test
  void shouldBoundEachTestsDataAndAllOfItTogether() {
    String mebibyte = "x".repeat(1 << 20);
    ExecuteJob tooLongOne = judgedJob().addTests(test("2", mebibyte + "x", "")).build();
    ExecuteJob tooLongExpected = judgedJob().addTests(test("2", "", mebibyte + "x")).build();
    ExecuteJob.Builder tooMuchInAll = judgedJob().clearTests();
    for (int i = 0; i < 9; i++) {
      tooMuchInAll.addTests(test(String.valueOf(i + 1), mebibyte, mebibyte));
    }

    assertThat(validator.validate(tooLongOne))
        .extracting(Violation::field)
        .containsExactly("tests[1].stdin");
    assertThat(validator.validate(tooLongExpected))
        .extracting(Violation::field)
        .containsExactly("tests[1].expectedOutput");
    assertThat(validator.validate(tooMuchInAll.build()))
        .extracting(Violation::field)
        .containsExactly("tests");
  }

  @Test
  void shouldRefuseANegativeOrInfiniteEpsilon() {
    for (double epsilon : new double[] {-1e-9, Double.NaN, Double.POSITIVE_INFINITY}) {
      ExecuteJob job =
          judgedJob()
              .setChecker(Checker.newBuilder().setType(CheckerType.FLOAT).setEpsilon(epsilon))
              .build();
      assertThat(validator.validate(job))
          .as("epsilon %s", epsilon)
          .extracting(Violation::field)
          .containsExactly("checker.epsilon");
    }
  }

  @Test
  void shouldIgnoreAnEpsilonThatItsCheckerDoesNotUse() {
    ExecuteJob job =
        judgedJob()
            .setChecker(Checker.newBuilder().setType(CheckerType.TOKENS).setEpsilon(-1))
            .build();

    assertThat(validator.validate(job)).isEmpty();
  }

  @Test
  void shouldRefuseACheckerProgramInAnUnknownLanguageOrVersion() {
    ExecuteJob unknown = judgedJob().setChecker(program("klingon")).build();
    ExecuteJob missing = judgedJob().setChecker(program("")).build();
    ExecuteJob noSuchVersion = judgedJob().setChecker(program("python").setVersion("2")).build();

    assertThat(validator.validate(unknown))
        .extracting(Violation::field)
        .containsExactly("checker.language");
    assertThat(validator.validate(missing))
        .extracting(Violation::field)
        .containsExactly("checker.language");
    assertThat(validator.validate(noSuchVersion))
        .extracting(Violation::field)
        .containsExactly("checker.version");
  }

  @Test
  void shouldCheckACheckerProgramsFilesLikeTheJobsFiles() {
    ExecuteJob none = judgedJob().setChecker(program("python").clearFiles()).build();
    ExecuteJob escaping =
        judgedJob().setChecker(program("python").addFiles(source("../etc/passwd"))).build();

    assertThat(validator.validate(none))
        .extracting(Violation::field)
        .containsExactly("checker.files");
    assertThat(validator.validate(escaping))
        .extracting(Violation::field)
        .containsExactly("checker.files[1].name");
  }

  @Test
  void shouldRefuseAnUnknownCheckerTypeFromKafka() {
    ExecuteJob job = judgedJob().setChecker(Checker.newBuilder().setTypeValue(99)).build();

    assertThat(validator.validate(job))
        .extracting(Violation::field)
        .containsExactly("checker.type");
  }

  @Test
  void shouldRefuseTestsInAnInteractiveRun() {
    assertThat(validator.validate(judgedJob().setInteractive(true).build()))
        .extracting(Violation::field)
        .containsExactly("tests");
  }
}

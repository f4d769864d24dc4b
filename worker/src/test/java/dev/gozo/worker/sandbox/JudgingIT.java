package dev.gozo.worker.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gozo.protocol.v1.Checker;
import dev.gozo.protocol.v1.CheckerType;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.Limits;
import dev.gozo.protocol.v1.Runtime;
import dev.gozo.protocol.v1.SourceFile;
import dev.gozo.protocol.v1.TestCase;
import dev.gozo.protocol.v1.TestResult;
import dev.gozo.protocol.v1.TestStatus;
import dev.gozo.worker.intake.JobProcessor;
import dev.gozo.worker.judging.Judge;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Judging on a real Docker engine with real compilers: compile once, one fresh sandbox per test,
 * checkers, limits per test, and the job's verdict.
 */
class JudgingIT {

  private static SandboxHarness harness;
  private static Judge judge;

  @BeforeAll
  static void start() {
    harness = new SandboxHarness(1);
    judge = new Judge(harness.sandbox, harness.catalogue);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static final String CPP_SUM =
      """
      #include <iostream>
      int main() { long a, b; std::cin >> a >> b; std::cout << a + b << "\\n"; }
      """;

  private static TestCase test(String name, String stdin, String expected) {
    TestCase.Builder test =
        TestCase.newBuilder().setName(name).setStdin(utf8(stdin)).setHasStdin(true);
    if (expected != null) {
      test.setExpectedOutput(utf8(expected)).setHasExpectedOutput(true);
    }
    return test.build();
  }

  private static ByteString utf8(String text) {
    return ByteString.copyFrom(text, StandardCharsets.UTF_8);
  }

  private static ExecuteJob.Builder job(String language, String file, String source) {
    return ExecuteJob.newBuilder()
        .setJobId("judge-" + UUID.randomUUID())
        .setTenant("judging-it")
        .setLanguage(language)
        .addFiles(SourceFile.newBuilder().setName(file).setContent(utf8(source)));
  }

  private static Outcome.Judged judge(ExecuteJob job) {
    Runtime runtime = harness.catalogue.resolve(job.getLanguage(), job.getVersion()).orElseThrow();
    SandboxJob program = JobProcessor.toSandboxJob(job, runtime, harness.catalogue);
    List<TestResult> streamed = new ArrayList<>();
    LiveSession live =
        new LiveSession.Unwatched() {
          @Override
          public void testFinished(TestResult result) {
            streamed.add(result);
          }
        };
    Outcome outcome = judge.judge(job, program, live);
    assertThat(outcome).isInstanceOf(Outcome.Judged.class);
    Outcome.Judged judged = (Outcome.Judged) outcome;
    assertThat(streamed)
        .as("every test that ran was streamed as it finished")
        .containsExactlyElementsOf(
            judged.tests().stream().filter(t -> t.getStatus() != TestStatus.SKIPPED).toList());
    return judged;
  }

  private static List<TestStatus> statuses(Outcome.Judged judged) {
    return judged.tests().stream().map(TestResult::getStatus).toList();
  }

  @Test
  void shouldCompileACppProgramOnceAndJudgeEachTest() {
    Outcome.Judged judged =
        judge(
            job("cpp", "sum.cpp", CPP_SUM)
                .addTests(test("small", "1 2\n", "3\n"))
                .addTests(test("wrong", "2 2\n", "5\n"))
                .addTests(test("just runs", "5 5\n", null))
                .build());

    assertThat(judged.compile()).isNotNull();
    assertThat(judged.compile().exitCode()).isZero();
    assertThat(statuses(judged))
        .containsExactly(TestStatus.ACCEPTED, TestStatus.TEST_WRONG_ANSWER, TestStatus.ACCEPTED);
    assertThat(judged.tests().get(1).getRun().getStdout().toStringUtf8()).isEqualTo("4\n");
    assertThat(judged.tests().get(1).getCheckerMessage()).contains("byte 0");
    assertThat(judged.tests().get(2).getRun().getStdout().toStringUtf8()).isEqualTo("10\n");
    assertThat(judged.status()).isEqualTo(JobStatus.WRONG_ANSWER);
    assertThat(judged.message()).contains("2 of 3 tests passed").contains("'wrong'");
  }

  @Test
  void shouldNotLetATestSeeFilesOrProcessesOfAnEarlierOne() {
    String program =
        """
        import os, subprocess, sys
        seen = os.path.exists('/tmp/memo') or os.path.exists('memo')
        procs = [p for p in os.listdir('/proc') if p.isdigit()]
        open('/tmp/memo', 'w').write('x'); open('memo', 'w').write('x')
        subprocess.Popen(['sleep', '30'], start_new_session=True)
        print('seen' if seen else 'fresh')
        """;
    Outcome.Judged judged =
        judge(
            job("python", "memo.py", program)
                .addTests(test("first", "", "fresh\n"))
                .addTests(test("second", "", "fresh\n"))
                .addTests(test("third", "", "fresh\n"))
                .build());

    assertThat(statuses(judged)).containsOnly(TestStatus.ACCEPTED);
    assertThat(judged.status()).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void shouldGiveOneTestItsTimeLimitWhileTheOthersPass() {
    String program =
        """
        import sys, time
        n = int(sys.stdin.read())
        if n < 0:
            time.sleep(30)
        print(n * 2)
        """;
    Outcome.Judged judged =
        judge(
            job("python", "double.py", program)
                .setLimits(Limits.newBuilder().setWallTimeMs(5_000))
                .addTests(test("one", "1", "2\n"))
                .addTests(
                    test("slow", "-1", "-2\n").toBuilder()
                        .setLimits(Limits.newBuilder().setWallTimeMs(1_000))
                        .build())
                .addTests(test("three", "3", "6\n"))
                .build());

    assertThat(statuses(judged))
        .containsExactly(
            TestStatus.ACCEPTED, TestStatus.TEST_TIME_LIMIT_EXCEEDED, TestStatus.ACCEPTED);
    assertThat(judged.tests().get(1).getRun().getWallTimeMs()).isBetween(1_000L, 4_000L);
    assertThat(judged.status()).isEqualTo(JobStatus.TIME_LIMIT_EXCEEDED);
  }

  @Test
  void shouldSkipTheTestsAfterTheFirstFailureWhenAsked() {
    Outcome.Judged judged =
        judge(
            job("python", "main.py", "print(input())")
                .setStopOnFirstFailure(true)
                .addTests(test("a", "a", "a\n"))
                .addTests(test("b", "b", "not b\n"))
                .addTests(test("c", "c", "c\n"))
                .build());

    assertThat(statuses(judged))
        .containsExactly(TestStatus.ACCEPTED, TestStatus.TEST_WRONG_ANSWER, TestStatus.SKIPPED);
    assertThat(judged.tests().get(2).hasRun()).isFalse();
  }

  @Test
  void shouldAnswerCompileErrorAndSkipEveryTest() {
    Outcome.Judged judged =
        judge(
            job("cpp", "broken.cpp", "int main() { return missing; }")
                .addTests(test("a", "", "x"))
                .addTests(test("b", "", "y"))
                .build());

    assertThat(judged.status()).isEqualTo(JobStatus.COMPILE_ERROR);
    assertThat(judged.compile().stderr()).isNotEmpty();
    assertThat(statuses(judged)).containsExactly(TestStatus.SKIPPED, TestStatus.SKIPPED);
  }

  @Test
  void shouldJudgeWithACheckerProgramInAnotherLanguage() {
    // A C checker for a Python submission: accepts any two numbers whose sum is in `input`.
    String checker =
        """
        #include <stdio.h>
        int main(int argc, char **argv) {
          FILE *in = fopen(argv[1], "r"), *out = fopen(argv[3], "r");
          long want, a, b;
          if (fscanf(in, "%ld", &want) != 1) return 3;
          if (fscanf(out, "%ld %ld", &a, &b) != 2) { printf("no two numbers"); return 1; }
          if (a + b != want) { printf("%ld + %ld is not %ld", a, b, want); return 1; }
          printf("ok: %ld + %ld", a, b);
          return 0;
        }
        """;
    Outcome.Judged judged =
        judge(
            job("python", "split.py", "n = int(input())\nprint(n - 1, 1 if n != 7 else 2)")
                .setChecker(
                    Checker.newBuilder()
                        .setType(CheckerType.PROGRAM)
                        .setLanguage("c")
                        .addFiles(
                            SourceFile.newBuilder().setName("checker.c").setContent(utf8(checker))))
                .addTests(test("ten", "10", "anything"))
                .addTests(test("seven", "7", "anything"))
                .build());

    assertThat(statuses(judged)).containsExactly(TestStatus.ACCEPTED, TestStatus.TEST_WRONG_ANSWER);
    assertThat(judged.tests().get(0).getCheckerMessage()).isEqualTo("ok: 9 + 1");
    assertThat(judged.tests().get(1).getCheckerMessage()).isEqualTo("6 + 2 is not 7");
  }

  @Test
  void shouldBlameACrashingCheckerNotTheSubmission() {
    Outcome.Judged judged =
        judge(
            job("python", "main.py", "print(1)")
                .setChecker(
                    Checker.newBuilder()
                        .setType(CheckerType.PROGRAM)
                        .setLanguage("python")
                        .addFiles(
                            SourceFile.newBuilder()
                                .setName("check.py")
                                .setContent(utf8("import sys\nraise SystemExit(7)"))))
                .addTests(test("one", "", "1\n"))
                .build());

    assertThat(statuses(judged)).containsExactly(TestStatus.TEST_INTERNAL_ERROR);
    assertThat(judged.tests().get(0).getCheckerMessage()).contains("checker failed");
    assertThat(judged.status()).isEqualTo(JobStatus.INTERNAL_ERROR);
  }
}

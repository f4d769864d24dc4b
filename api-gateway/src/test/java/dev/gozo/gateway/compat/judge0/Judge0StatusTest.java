package dev.gozo.gateway.compat.judge0;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.StepResult;
import dev.gozo.protocol.v1.TestResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Judge0StatusTest {

  @Test
  void shouldBeInQueueThenProcessing() {
    assertThat(Judge0Status.of(JobState.queued("j", "t", "python", "3", 1)).id).isEqualTo(1);
    assertThat(Judge0Status.of(JobState.running("j", "t", "w", 1, 2)).id).isEqualTo(2);
  }

  @ParameterizedTest
  @CsvSource({
    "SUCCEEDED, 3",
    "WRONG_ANSWER, 4",
    "TIME_LIMIT_EXCEEDED, 5",
    "COMPILE_ERROR, 6",
    "OUTPUT_LIMIT_EXCEEDED, 8",
    "MEMORY_LIMIT_EXCEEDED, 12",
    "INTERNAL_ERROR, 13",
    "REJECTED, 13",
    "CANCELLED, 13"
  })
  void shouldMapEachVerdict(JobStatus status, int id) {
    assertThat(Judge0Status.of(result(status, StepResult.getDefaultInstance())).id).isEqualTo(id);
  }

  @ParameterizedTest
  @CsvSource({"11, 0, 7", "25, 0, 8", "8, 0, 9", "6, 0, 10", "0, 3, 11", "9, 0, 12", "15, 0, 12"})
  void shouldTellRuntimeErrorsApartBySignal(int signal, int exitCode, int id) {
    StepResult run = StepResult.newBuilder().setSignal(signal).setExitCode(exitCode).build();
    assertThat(Judge0Status.of(result(JobStatus.RUNTIME_ERROR, run)).id).isEqualTo(id);
  }

  @Test
  void shouldCallAnExecFormatErrorByItsName() {
    StepResult run =
        StepResult.newBuilder()
            .setExitCode(126)
            .setStderr(ByteString.copyFromUtf8("sh: ./main: cannot execute: Exec format error"))
            .build();
    assertThat(Judge0Status.of(result(JobStatus.RUNTIME_ERROR, run)).id).isEqualTo(14);
  }

  @Test
  void shouldReadTheSignalOfAJudgedRunFromItsTest() {
    JobCompleted judged =
        JobCompleted.newBuilder()
            .setStatus(JobStatus.RUNTIME_ERROR)
            .addTests(TestResult.newBuilder().setRun(StepResult.newBuilder().setSignal(11)))
            .build();
    assertThat(Judge0Status.of(judged)).isEqualTo(Judge0Status.SIGSEGV);
  }

  private static JobCompleted result(JobStatus status, StepResult run) {
    return JobCompleted.newBuilder().setStatus(status).setRun(run).build();
  }
}

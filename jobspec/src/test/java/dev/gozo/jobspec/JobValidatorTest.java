package dev.gozo.jobspec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.Limits;
import dev.gozo.protocol.v1.SourceFile;
import org.junit.jupiter.api.Test;

class JobValidatorTest {

  private final JobValidator validator =
      new JobValidator(RuntimeCatalogue.bundled(), JobBounds.defaults());

  private static ExecuteJob.Builder validJob() {
    return ExecuteJob.newBuilder()
        .setJobId("0193-abc")
        .setTenant("acme")
        .setLanguage("python")
        .addFiles(
            SourceFile.newBuilder()
                .setName("main.py")
                .setContent(ByteString.copyFromUtf8("print(1)")));
  }

  private static SourceFile file(String name) {
    return SourceFile.newBuilder().setName(name).setContent(ByteString.copyFromUtf8("x")).build();
  }

  @Test
  void shouldAcceptAValidJob() {
    assertThat(validator.validate(validJob().build())).isEmpty();
  }

  @Test
  void shouldAcceptAliasesAndVersionPrefixes() {
    assertThat(validator.validate(validJob().setLanguage("py").setVersion("3").build())).isEmpty();
  }

  @Test
  void shouldNameTheFieldOfAnUnknownLanguage() {
    assertThat(validator.validate(validJob().setLanguage("cobolx").build()))
        .extracting(Violation::field)
        .containsExactly("language");
  }

  @Test
  void shouldRejectAVersionThatNoRuntimeHas() {
    assertThat(validator.validate(validJob().setVersion("2").build()))
        .extracting(Violation::field)
        .containsExactly("version");
  }

  @Test
  void shouldRejectJobsWithoutFiles() {
    assertThat(validator.validate(validJob().clearFiles().build()))
        .extracting(Violation::field)
        .containsExactly("files");
  }

  @Test
  void shouldRejectPathsThatLeaveTheWorkDirectory() {
    for (String name :
        new String[] {
          "../etc/passwd",
          "/etc/passwd",
          "a/../../b",
          "a//b",
          "./a",
          "a b",
          "-rf",
          "a\\b",
          "$(id)",
          ".gozo-stdin"
        }) {
      assertThat(validator.validate(validJob().addFiles(file(name)).build()))
          .as(name)
          .extracting(Violation::field)
          .containsExactly("files[1].name");
    }
  }

  @Test
  void shouldRejectDuplicateNamesAndFileDirectoryClashes() {
    assertThat(validator.validate(validJob().addFiles(file("main.py")).build()))
        .extracting(Violation::field)
        .containsExactly("files[1].name");
    assertThat(validator.validate(validJob().addFiles(file("main.py/x.py")).build()))
        .extracting(Violation::field)
        .containsExactly("files[1].name");
  }

  @Test
  void shouldRejectTooManyFilesAndVeryLongNames() {
    ExecuteJob.Builder job = validJob();
    for (int i = 0; i < 64; i++) {
      job.addFiles(file("f" + i + ".py"));
    }
    assertThat(validator.validate(job.build()))
        .extracting(Violation::field)
        .containsExactly("files");
    assertThat(validator.validate(validJob().addFiles(file("a".repeat(300))).build()))
        .extracting(Violation::field)
        .containsExactly("files[1].name");
  }

  @Test
  void shouldRejectLimitsAboveTheServerMaximum() {
    var job =
        validJob().setLimits(Limits.newBuilder().setMemoryMb(1 << 20).setWallTimeMs(-1)).build();
    assertThat(validator.validate(job))
        .extracting(Violation::field)
        .containsExactlyInAnyOrder("limits.memoryMb", "limits.wallTimeMs");
  }

  @Test
  void shouldRejectNulInArguments() {
    assertThat(validator.validate(validJob().addArgs("a\0b").build()))
        .extracting(Violation::field)
        .containsExactly("args[0]");
  }
}

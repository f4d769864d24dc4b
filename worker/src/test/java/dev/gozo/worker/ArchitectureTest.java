package dev.gozo.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.gozo.worker.sandbox.DockerSandbox;

/**
 * The worker's package rules as docs/architecture.md describes them: Docker is spoken to only
 * through the engine port's adapter; the sandbox knows nothing of Kafka, of how jobs arrive or of
 * how results leave; packages do not form cycles, nor do the sandbox's own sub-packages, which know
 * the sandbox's port but not the {@link DockerSandbox} facade that puts them together.
 */
@AnalyzeClasses(packages = "dev.gozo.worker", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule dockerJavaOnlyBehindTheEnginePort =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.gozo.worker.engine..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("com.github.dockerjava..")
          .because("the engine port keeps docker-java in one adapter (issue 13)");

  @ArchTest
  static final ArchRule theSandboxKnowsNothingOfKafkaOrTheIntake =
      noClasses()
          .that()
          .resideInAnyPackage("dev.gozo.worker.sandbox..", "dev.gozo.worker.engine..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.apache.kafka..",
              "dev.gozo.worker.intake..",
              "dev.gozo.worker.results..",
              "dev.gozo.worker.health..");

  @ArchTest
  static final ArchRule theEnginePortDoesNotKnowTheSandbox =
      noClasses()
          .that()
          .resideInAPackage("dev.gozo.worker.engine..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.gozo.worker.sandbox..");

  @ArchTest
  static final ArchRule healthDependsOnNoOtherWorkerPackage =
      noClasses()
          .that()
          .resideInAPackage("dev.gozo.worker.health..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.gozo.worker.intake..", "dev.gozo.worker.sandbox..", "dev.gozo.worker.results..");

  @ArchTest
  static final ArchRule noCycles =
      slices().matching("dev.gozo.worker.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule noCyclesBetweenTheSandboxRooms =
      slices()
          .matching("dev.gozo.worker.sandbox.(*)..")
          .should()
          .beFreeOfCycles()
          .because(
              "pool, container, run, verdicts, recycling and ownership build on each other"
                  + " in one direction (issue 13)");

  @ArchTest
  static final ArchRule theSandboxRoomsSeeOnlyThePortOfTheirParent =
      noClasses()
          .that()
          .resideInAPackage("dev.gozo.worker.sandbox.*..")
          .should()
          .dependOnClassesThat()
          .belongToAnyOf(DockerSandbox.class)
          .because(
              "the sub-packages use the port (Sandbox, SandboxJob, Outcome, StepReport,"
                  + " LiveSession, SandboxSettings); only the facade DockerSandbox puts them"
                  + " together");
}

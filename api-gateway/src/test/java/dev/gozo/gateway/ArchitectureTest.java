package dev.gozo.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The gateway's package rules as docs/architecture.md describes them: intake -> results -> jobs and
 * progress -> jobs; live (job streams) -> results -> jobs; input (cancel) -> results; interactive
 * -> intake, live, input and nothing depends on interactive; intake -> webhooks -> results
 * (webhooks deliver results, they neither submit nor stream); nothing pointing back, no cycles.
 */
@AnalyzeClasses(packages = "dev.gozo.gateway", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule resultsDoNotKnowTheIntake =
      noClasses()
          .that()
          .resideInAPackage("dev.gozo.gateway.results..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.gozo.gateway.intake..");

  @ArchTest
  static final ArchRule jobsKnowNoOtherGatewayPackage =
      noClasses()
          .that()
          .resideInAPackage("dev.gozo.gateway.jobs..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.gozo.gateway.intake..",
              "dev.gozo.gateway.results..",
              "dev.gozo.gateway.progress..",
              "dev.gozo.gateway.auth..",
              "dev.gozo.gateway.live..",
              "dev.gozo.gateway.input..",
              "dev.gozo.gateway.interactive..",
              "dev.gozo.gateway.webhooks..");

  @ArchTest
  static final ArchRule webhooksDeliverResultsAndNeitherSubmitNorStream =
      noClasses()
          .that()
          .resideInAPackage("dev.gozo.gateway.webhooks..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.gozo.gateway.intake..",
              "dev.gozo.gateway.progress..",
              "dev.gozo.gateway.live..",
              "dev.gozo.gateway.input..",
              "dev.gozo.gateway.interactive..");

  @ArchTest
  static final ArchRule progressFeedsTheJobsOnly =
      noClasses()
          .that()
          .resideInAPackage("dev.gozo.gateway.progress..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.gozo.gateway.intake..", "dev.gozo.gateway.results..", "dev.gozo.gateway.live..");

  @ArchTest
  static final ArchRule liveStreamsDoNotSubmitOrSendInput =
      noClasses()
          .that()
          .resideInAPackage("dev.gozo.gateway.live..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.gozo.gateway.intake..",
              "dev.gozo.gateway.input..",
              "dev.gozo.gateway.interactive..");

  @ArchTest
  static final ArchRule onlyInteractiveCombinesIntakeAndLive =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.gozo.gateway.interactive..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.gozo.gateway.interactive..");

  @ArchTest
  static final ArchRule noCycles =
      slices().matching("dev.gozo.gateway.(*)..").should().beFreeOfCycles();
}

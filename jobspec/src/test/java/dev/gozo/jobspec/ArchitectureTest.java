package dev.gozo.jobspec;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** ADR 0001: the job rules gateway and worker share depend on the protocol only. */
@AnalyzeClasses(packages = "dev.gozo.jobspec", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule dependsOnlyOnTheProtocolAndTheJdk =
      classes()
          .that()
          .resideInAPackage("dev.gozo.jobspec..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "dev.gozo.jobspec..",
              "dev.gozo.protocol..",
              "com.google.protobuf..",
              "java..",
              "javax.annotation..")
          .because("docs/adr/0001: jobspec depends only on protocol");
}

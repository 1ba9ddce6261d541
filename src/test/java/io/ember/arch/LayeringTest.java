package io.ember.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of Ember's main code, checked on the compiled classes: storage and
 * wire formats below the components, the user's API apart from the runtime, verticles on top
 * of the plain classes that hold the logic, and no cycles anywhere.
 */
class LayeringTest {
  /** Packages that hold a component (or assemble, or use, components). */
  private static final String[] COMPONENTS = {"io.ember.scheduler..", "io.ember.object..", "io.ember.monitor..",
      "io.ember.actor..", "io.ember.client..", "io.ember.owner..", "io.ember.node..", "io.ember.bench..",
      "io.ember.examples..", "io.ember.cli..", "io.ember.placement..", "io.ember.dashboard.."};

  private static JavaClasses main;

  @BeforeAll
  static void importMain() {
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.ember");
  }

  @Test
  void noCyclesBetweenPackages() {
    slices().matching("io.ember.(*)..").should().beFreeOfCycles().check(main);
  }

  @Test
  void theApiDependsOnNothingOfTheRuntime() {
    classes().that().resideInAPackage("io.ember.api..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("io.ember.api..", "java..", "io.vertx.core..")
        .because("users compile against io.ember.api alone; the runtime implements it")
        .check(main);
  }

  @Test
  void storageWireIdsSerialisationConfAndSecurityDependOnNoComponent() {
    noClasses().that().resideInAnyPackage("io.ember.gcs..", "io.ember.protocol..", "io.ember.ids..", "io.ember.serial..",
            "io.ember.conf..", "io.ember.util..", "io.ember.security..")
        .should().dependOnClassesThat().resideInAnyPackage(COMPONENTS)
        .check(main);
  }

  @Test
  void verticlesSitOnTopOfTheirPlainClasses() {
    noClasses().that().haveNameNotMatching(".*Verticle(\\$.*)?").and().resideOutsideOfPackages("io.ember.node..", "io.ember.cli..")
        .should().dependOnClassesThat().haveSimpleNameEndingWith("Verticle")
        .because("a verticle decodes, calls a plain class and replies; logic never reaches back into a verticle")
        .check(main);
  }
}

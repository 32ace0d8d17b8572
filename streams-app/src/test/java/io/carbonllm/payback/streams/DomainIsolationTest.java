package io.carbonllm.payback.streams;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The domain decisions stay plain Java (STYLE.md item 6): the comparison, the ledger, the alert rules, task folding,
 * window arithmetic and validation import nothing from Kafka. The processors that apply them to state do.
 */
class DomainIsolationTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.carbonllm.payback.streams");

    @Test
    void comparisonLedgerAndAlertRulesDoNotDependOnKafka() {
        noClasses().that().resideInAnyPackage("..streams.compare..", "..streams.ledger..", "..streams.alert..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..")
                .check(CLASSES);
    }

    @Test
    void windowArithmeticTaskFoldingAndValidationDoNotDependOnKafka() {
        noClasses().that().haveSimpleNameStartingWith("VariantCounters")
                .or().haveSimpleNameStartingWith("TaskOutcomes")
                .or().haveSimpleNameStartingWith("EventValidator")
                .or().haveSimpleNameStartingWith("EnergyAccounting")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..")
                .check(CLASSES);
    }
}

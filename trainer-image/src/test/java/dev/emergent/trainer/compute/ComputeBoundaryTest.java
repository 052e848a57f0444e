package dev.emergent.trainer.compute;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.emergent.trainer.tensor.Blas;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The model and its optimizer compute only through {@link Compute}: nothing of ND4J, JavaCPP or
 * OpenBLAS, and no kernel or BLAS call of the CPU backend, so another backend can run them.
 */
class ComputeBoundaryTest {
  private static final String[] MODEL = {
    "dev.emergent.trainer.model..", "dev.emergent.trainer.optim.."
  };
  private static JavaClasses classes;

  @BeforeAll
  static void importTheTrainer() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.emergent.trainer");
  }

  private static ArchRule usesNoNd4jArrayOrNativeLibrary(String... packages) {
    return noClasses()
        .that()
        .resideInAnyPackage(packages)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.nd4j..", "org.bytedeco..");
  }

  private static ArchRule callsNoKernelOrBlasOfTheCpuBackend(String... packages) {
    DescribedPredicate<JavaClass> cpuCode =
        JavaClass.Predicates.resideInAPackage("dev.emergent.trainer.kernels..")
            .or(JavaClass.Predicates.belongToAnyOf(Blas.class, CpuCompute.class, CpuTensor.class));
    return noClasses()
        .that()
        .resideInAnyPackage(packages)
        .should()
        .callMethodWhere(target(owner(cpuCode)));
  }

  @Test
  void theModelUsesNoNd4jArrayOrNativeLibrary() {
    usesNoNd4jArrayOrNativeLibrary(MODEL).check(classes);
  }

  @Test
  void theModelCallsNoKernelOrBlasOfTheCpuBackend() {
    callsNoKernelOrBlasOfTheCpuBackend(MODEL).check(classes);
  }

  @Test
  void theRulesCatchCodeThatDoes() {
    String cpuBackend = "dev.emergent.trainer.compute..";
    assertThatThrownBy(() -> usesNoNd4jArrayOrNativeLibrary(cpuBackend).check(classes))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("org.nd4j");
    assertThatThrownBy(() -> callsNoKernelOrBlasOfTheCpuBackend(cpuBackend).check(classes))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Blas.gemm");
  }
}

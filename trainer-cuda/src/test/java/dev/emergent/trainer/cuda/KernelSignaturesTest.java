package dev.emergent.trainer.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A kernel launched with the wrong arguments reads garbage on the GPU without an error, so the
 * launcher's list of kernels and argument kinds must be kernels.cu's, and all of them must be in
 * the fat binary the build compiled.
 */
class KernelSignaturesTest {
  private static final Pattern KERNEL =
      Pattern.compile("extern \"C\" __global__ void (\\w+)\\(([^)]*)\\)");

  @Test
  void theLauncherPassesEveryKernelTheArgumentsItsSourceDeclares() throws IOException {
    String source = Files.readString(Path.of(System.getProperty("kernels.source")));
    Map<String, List<CudaKernels.Argument>> declared = new TreeMap<>();
    Matcher kernel = KERNEL.matcher(source);
    while (kernel.find()) {
      declared.put(
          kernel.group(1),
          Arrays.stream(kernel.group(2).split(","))
              .map(String::strip)
              .map(KernelSignaturesTest::kind)
              .toList());
    }

    assertThat(declared).isEqualTo(new TreeMap<>(CudaKernels.KERNELS));
  }

  @Test
  void theFatBinaryHoldsEveryKernel() throws IOException {
    byte[] fatBinary;
    try (InputStream in = CudaKernels.class.getResourceAsStream(CudaKernels.FAT_BINARY)) {
      assertThat(in).as("the build's nvcc output").isNotNull();
      fatBinary = in.readAllBytes();
    }
    String text = new String(fatBinary, StandardCharsets.ISO_8859_1);
    assertThat(CudaKernels.KERNELS.keySet()).allSatisfy(name -> assertThat(text).contains(name));
  }

  private static CudaKernels.Argument kind(String parameter) {
    if (parameter.contains("*")) {
      return CudaKernels.Argument.POINTER;
    }
    String type = parameter.substring(0, parameter.lastIndexOf(' ')).replace("const ", "");
    return switch (type) {
      case "long" -> CudaKernels.Argument.LONG;
      case "int" -> CudaKernels.Argument.INT;
      case "float" -> CudaKernels.Argument.FLOAT;
      default -> throw new IllegalArgumentException("kernel parameter " + parameter);
    };
  }
}

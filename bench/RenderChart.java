import com.marcnuri.helm.Helm;
import java.nio.file.Path;

/**
 * Prints the chart as `helm template CHART --name-template RELEASE --namespace NAMESPACE` would,
 * through helm-java (no helm binary here): java -cp HELM_MODULE_TEST_CLASSPATH RenderChart.java
 * CHART RELEASE NAMESPACE.
 */
public class RenderChart {
  public static void main(String[] args) {
    System.out.print(
        new Helm(Path.of(args[0])).template().withName(args[1]).withNamespace(args[2]).call());
  }
}

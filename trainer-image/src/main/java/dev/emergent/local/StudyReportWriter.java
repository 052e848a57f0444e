package dev.emergent.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emergent.api.v1alpha1.Estimate;
import dev.emergent.api.v1alpha1.ScalingFit;
import dev.emergent.api.v1alpha1.ScalingStudyStatus;
import dev.emergent.api.v1alpha1.StudyRunStatus;
import dev.emergent.plan.StudyPlan;
import dev.emergent.plan.TrainingRunFiles;
import dev.emergent.study.ScalingLaw;
import dev.emergent.study.StudyStatuses;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code report/index.html} of a scaling study: loss against compute on log-log axes (each run, the
 * fitted law for each model size, the compute-optimal frontier, predicted and measured points of
 * the predict runs), exact match and answer log-likelihood against compute for each task stage, and
 * the tables behind them. Charts are ECharts, inlined so that the file works offline.
 */
final class StudyReportWriter {
  private static final String ECHARTS =
      "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.common.min.js";
  private static final int CURVE_POINTS = 40;

  private final Path folder;
  private final StudyPlan plan;
  private final ScalingStudyStatus status;

  StudyReportWriter(Path folder, StudyPlan plan, ScalingStudyStatus status) {
    this.folder = folder;
    this.plan = plan;
    this.status = status;
  }

  Path write() throws IOException {
    Files.createDirectories(folder);
    StringBuilder html = new StringBuilder();
    html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
        .append(ReportWriter.escape(plan.study()))
        .append(" — Emergent scaling study</title><style>")
        .append("body{font-family:sans-serif;margin:2em;max-width:72em;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}")
        .append(
            ".chart{width:70em;height:30em}.half{width:34.5em;height:24em;display:inline-block}")
        .append("</style><script>")
        .append(echarts())
        .append("</script></head><body>");
    html.append("<h1>ScalingStudy ").append(ReportWriter.escape(plan.study())).append("</h1>");
    html.append(fitSection());
    html.append("<h2>Loss against compute</h2><div id=\"loss\" class=\"chart\"></div>");
    html.append("<h2>Emergence</h2><p>Each task stage's greedy exact match (left) and mean")
        .append(" log-likelihood per token of the correct answer (right) on the same held-out")
        .append(" prompts, against the run's pretraining compute.</p>")
        .append(
            "<div id=\"exact\" class=\"half\"></div><div id=\"likelihood\" class=\"half\"></div>");
    html.append(runTable());
    html.append("<script>const data=")
        .append(TrainingRunFiles.JSON.writeValueAsString(chartData()))
        .append(";\n")
        .append(CHART_SCRIPT)
        .append("</script></body></html>");
    Path index = folder.resolve("index.html");
    Files.writeString(index, html, StandardCharsets.UTF_8);
    return index;
  }

  private String fitSection() {
    ScalingFit fit = status.fit;
    if (fit == null) {
      return "<p>The ladder has not finished: no fit yet.</p>";
    }
    StringBuilder html =
        new StringBuilder("<h2>Fit: L(N, D) = E + A/N<sup>α</sup> + B/D<sup>β</sup></h2>")
            .append("<p>Fitted to the final held-out loss of ")
            .append(fit.runs)
            .append(" runs (Huber loss on log-loss from a grid of starts); intervals are the 5th")
            .append(" and 95th percentiles of fits to resampled runs. N counts non-embedding")
            .append(" parameters; C = D × (6N + 12 × layers × dModel × context).</p>")
            .append("<table><tr><th>parameter</th><th>fit</th><th>90% interval</th></tr>");
    List<Estimate> estimates = List.of(fit.e, fit.a, fit.alpha, fit.b, fit.beta);
    for (int i = 0; i < estimates.size(); i++) {
      Estimate e = estimates.get(i);
      html.append(
          String.format(
              "<tr><td>%s</td><td>%.4g</td><td>%.4g – %.4g</td></tr>",
              ScalingLaw.NAMES[i], e.value, e.low, e.high));
    }
    html.append(
        String.format(
            "</table><p>RMS log error %.4f. Compute-optimal for %.3g FLOPs (C ≈ 6ND): N %s,"
                + " D %s tokens, predicted loss %.3f.</p>",
            fit.rmsLogError,
            fit.computeBudget,
            Numbers.si(fit.optimalParameters),
            Numbers.si(fit.optimalTokens),
            fit.optimalLoss));
    return html.toString();
  }

  private String runTable() {
    StringBuilder html =
        new StringBuilder("<h2>Runs</h2><table><tr><th>run</th><th>role</th><th>layers</th>")
            .append("<th>dModel</th><th>N</th><th>D</th><th>C (FLOPs)</th><th>phase</th>")
            .append("<th>final loss</th><th>predicted</th><th>error</th></tr>");
    for (StudyRunStatus r : status.results) {
      html.append("<tr><td>")
          .append(ReportWriter.escape(r.name))
          .append("</td><td>")
          .append(r.role)
          .append("</td><td>")
          .append(r.layers)
          .append("</td><td>")
          .append(r.dModel)
          .append("</td><td>")
          .append(Numbers.si(r.parameters))
          .append("</td><td>")
          .append(Numbers.si(r.tokens))
          .append("</td><td>")
          .append(String.format("%.3g", r.flops))
          .append("</td><td>")
          .append(r.phase)
          .append("</td><td>")
          .append(r.evalLoss == null ? "" : String.format("%.4f", r.evalLoss))
          .append("</td><td>")
          .append(r.predictedLoss == null ? "" : String.format("%.4f", r.predictedLoss))
          .append("</td><td>")
          .append(
              r.predictedLoss == null || r.evalLoss == null
                  ? ""
                  : String.format(
                      "%+.2f%%", StudyStatuses.errorPercent(r.predictedLoss, r.evalLoss)))
          .append("</td></tr>");
    }
    return html.append("</table>").toString();
  }

  /** Points and curves for the charts: runs by model size, the law's curves, the tasks. */
  private ObjectNode chartData() {
    ObjectNode data = TrainingRunFiles.JSON.createObjectNode();
    ArrayNode runs = data.putArray("runs");
    double minFlops = Double.MAX_VALUE;
    double maxFlops = 0;
    for (StudyRunStatus r : status.results) {
      ObjectNode run = runs.addObject();
      run.put("name", r.name).put("role", r.role).put("size", r.layers + "×" + r.dModel);
      run.put("flops", r.flops);
      if (r.evalLoss != null) {
        run.put("loss", r.evalLoss);
      }
      if (r.predictedLoss != null) {
        run.put("predicted", r.predictedLoss);
      }
      run.putPOJO("metrics", r.metrics);
      minFlops = Math.min(minFlops, r.flops);
      maxFlops = Math.max(maxFlops, r.flops);
    }
    TreeSet<String> tasks = new TreeSet<>();
    status.results.stream()
        .filter(r -> r.metrics != null)
        .forEach(
            r -> r.metrics.keySet().forEach(k -> tasks.add(k.substring(0, k.lastIndexOf('.')))));
    ArrayNode taskNames = data.putArray("tasks");
    tasks.forEach(taskNames::add);
    if (status.fit != null) {
      ScalingLaw law = StudyStatuses.law(status.fit);
      double low = minFlops / 2;
      double high = maxFlops * 2;
      ArrayNode curves = data.putArray("curves");
      for (StudyPlan.Run run : plan.runs()) {
        String size = run.model().layers() + "×" + run.model().dModel();
        if (curves.findValuesAsText("size").contains(size)) {
          continue;
        }
        ObjectNode curve = curves.addObject().put("size", size);
        ArrayNode points = curve.putArray("points");
        for (int i = 0; i <= CURVE_POINTS; i++) {
          double flops = low * Math.pow(high / low, (double) i / CURVE_POINTS);
          double tokens = flops / run.model().flopsPerToken();
          points.addArray().add(flops).add(law.loss(run.parameters(), tokens));
        }
      }
      ArrayNode frontier = data.putArray("frontier");
      for (int i = 0; i <= CURVE_POINTS; i++) {
        double flops = low * Math.pow(high / low, (double) i / CURVE_POINTS);
        frontier.addArray().add(flops).add(law.optimal(flops).loss());
      }
    }
    return data;
  }

  private static String echarts() throws IOException {
    try (InputStream in = StudyReportWriter.class.getResourceAsStream(ECHARTS)) {
      if (in == null) {
        throw new IOException("ECharts is missing from the class path (" + ECHARTS + ")");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("</script", "<\\/script");
    }
  }

  private static final String CHART_SCRIPT =
      """
      const log = {type: 'log', nameLocation: 'middle', nameGap: 28};
      const sizes = [...new Set(data.runs.filter(r => r.role === 'Ladder').map(r => r.size))];
      const palette = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452',
        '#9a60b4'];
      const colorOf = size => palette[Math.max(0, [...sizes, ...(data.curves || []).map(c => c.size)]
        .indexOf(size)) % palette.length];
      const series = sizes.map(size => ({
        name: 'runs ' + size, type: 'scatter', symbolSize: 9, itemStyle: {color: colorOf(size)},
        data: data.runs.filter(r => r.role === 'Ladder' && r.size === size && r.loss)
          .map(r => [r.flops, r.loss, r.name])}));
      (data.curves || []).forEach(c => series.push({
        name: 'law ' + c.size, type: 'line', showSymbol: false, data: c.points,
        itemStyle: {color: colorOf(c.size)}, lineStyle: {width: 1, type: 'dashed'}}));
      if (data.frontier) {
        series.push({name: 'compute-optimal frontier (C ≈ 6ND)', type: 'line', showSymbol: false,
          data: data.frontier, lineStyle: {width: 2, color: '#222'}, itemStyle: {color: '#222'}});
      }
      const predicted = data.runs.filter(r => r.role === 'Predict');
      series.push({name: 'predicted', type: 'scatter', symbol: 'diamond', symbolSize: 16,
        itemStyle: {color: 'none', borderColor: '#d62728', borderWidth: 2},
        data: predicted.filter(r => r.predicted).map(r => [r.flops, r.predicted, r.name])});
      series.push({name: 'measured', type: 'scatter', symbol: 'diamond', symbolSize: 12,
        itemStyle: {color: '#d62728'},
        data: predicted.filter(r => r.loss).map(r => [r.flops, r.loss, r.name])});
      const losses = data.runs.flatMap(r => [r.loss, r.predicted]).filter(l => l);
      const lossAxis = {min: Math.min(...losses) * 0.95, max: Math.max(...losses) * 1.05,
        axisLabel: {formatter: v => v.toFixed(2)}};
      const tooltip = {trigger: 'item', formatter: p => (p.data[2] || p.seriesName) + '<br>C '
        + p.data[0].toExponential(2) + ' FLOPs, ' + p.data[1].toFixed(4)};
      echarts.init(document.getElementById('loss')).setOption({
        animation: false, tooltip, legend: {type: 'scroll', top: 0},
        grid: {top: 60, left: 70, right: 30, bottom: 50},
        xAxis: {...log, name: 'training compute C (FLOPs)'},
        yAxis: {...log, ...lossAxis, name: 'final held-out loss (nats/token)', nameGap: 50},
        series});
      function task(id, metric, name, axis) {
        echarts.init(document.getElementById(id)).setOption({
          animation: false, tooltip, legend: {top: 0}, grid: {top: 50, left: 60, right: 20, bottom: 50},
          xAxis: {...log, name: 'training compute C (FLOPs)'},
          yAxis: {type: 'value', name, nameLocation: 'middle', nameGap: 40, ...axis},
          series: data.tasks.map(t => ({name: t, type: 'line', symbolSize: 7,
            data: data.runs.filter(r => r.metrics && r.metrics[t + '.' + metric] !== undefined)
              .sort((a, b) => a.flops - b.flops)
              .map(r => [r.flops, r.metrics[t + '.' + metric], r.name])}))});
      }
      task('exact', 'exactMatch', 'greedy exact match', {min: 0, max: 1});
      task('likelihood', 'answerLogLikelihood', 'log-likelihood per answer token', {scale: true});
      """;
}

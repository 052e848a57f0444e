package dev.emergent.local;

import dev.emergent.api.v1alpha1.StageType;
import dev.emergent.plan.RunPlan;
import dev.emergent.plan.StageConfig;
import dev.emergent.plan.StagePlan;
import dev.emergent.plan.TrainingRunFiles;
import dev.emergent.trainer.data.ArithmeticPostTraining;
import dev.emergent.trainer.data.ArithmeticTask;
import dev.emergent.trainer.data.PostTrainingData;
import dev.emergent.trainer.generate.Completions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@code report/index.html}: a loss chart per stage (inline SVG, viewable offline), each stage's
 * final metrics, greedy completions of held-out prompts before and after PPO, the resolved plan and
 * the timings.
 */
final class ReportWriter {
  private static final int SAMPLES = 6;

  /**
   * Openings that pretrained models on English text continue in the report; without a trailing
   * space, which a BPE vocabulary attaches to the next word.
   */
  private static final List<String> TEXT_PROMPTS =
      List.of("The", "You will", "A man", "Q: What is", "Love", "It is");

  private static final int TEXT_TOKENS = 48;

  private final Path folder;
  private final RunPlan plan;
  private final List<StageResult> results;
  private final Sampler sampler;

  ReportWriter(Path folder, RunPlan plan, List<StageResult> results, Sampler sampler) {
    this.sampler = sampler;
    this.folder = folder;
    this.plan = plan;
    this.results = results;
  }

  Path write(Path checkpoints) throws IOException {
    Files.createDirectories(folder);
    StringBuilder html = new StringBuilder();
    html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
        .append(escape(plan.run()))
        .append(" — Emergent report</title><style>")
        .append("body{font-family:sans-serif;margin:2em;max-width:70em;color:#222}")
        .append(
            "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}")
        .append(
            ".charts{display:flex;flex-wrap:wrap;gap:1em}.chart{border:1px solid #ddd;padding:.5em}")
        .append(
            "pre{background:#f6f6f6;padding:1em;overflow:auto;max-height:30em}</style></head><body>");
    html.append("<h1>TrainingRun ").append(escape(plan.run())).append("</h1>");
    html.append(
        "<h2>Stages</h2><table><tr><th>stage</th><th>type</th><th>time</th><th>checkpoint</th></tr>");
    for (StageResult r : results) {
      html.append("<tr><td>")
          .append(escape(r.name()))
          .append("</td><td>")
          .append(r.type())
          .append("</td><td>")
          .append(r.duration().isZero() ? "earlier run" : LocalRunner.format(r.duration()))
          .append("</td><td>")
          .append(escape(String.valueOf(r.checkpoint())))
          .append("</td></tr>");
    }
    html.append("</table><h2>Training curves</h2><div class=\"charts\">");
    for (StageResult r : results) {
      html.append("<div class=\"chart\"><b>")
          .append(escape(r.name()))
          .append("</b> ")
          .append(r.type().equals(StageType.PPO.name()) ? "rollout reward" : "loss")
          .append("<br>")
          .append(chart(r.lossCurve()))
          .append("</div>");
    }
    html.append("</div>");
    for (StageResult r : results) {
      html.append(ppoAgainstReference(r));
    }
    html.append("<h2>Metrics</h2>");
    for (StageResult r : results) {
      html.append("<h3>")
          .append(escape(r.name()))
          .append(" (")
          .append(r.type())
          .append(")</h3><table>");
      for (Map.Entry<String, Double> m : r.metrics().entrySet()) {
        html.append("<tr><td>")
            .append(escape(m.getKey()))
            .append("</td><td>")
            .append(String.format("%.4g", m.getValue()))
            .append("</td></tr>");
      }
      html.append("</table>");
    }
    html.append(samples(checkpoints));
    html.append(textSamples(checkpoints));
    html.append("<h2>Resolved plan</h2><pre>")
        .append(
            escape(
                TrainingRunFiles.JSON
                    .writerWithDefaultPrettyPrinter()
                    .writeValueAsString(plan.stages().stream().map(StagePlan::config).toList())))
        .append("</pre></body></html>\n");
    Path index = folder.resolve("index.html");
    Files.writeString(index, html, StandardCharsets.UTF_8);
    return index;
  }

  /**
   * Greedy completions of held-out arithmetic prompts by PPO's input policy and by PPO's result.
   */
  private String samples(Path checkpoints) throws IOException {
    StagePlan ppo =
        plan.stages().stream().filter(s -> s.type() == StageType.PPO).findFirst().orElse(null);
    StageResult after = ppo == null ? null : succeeded(ppo).orElse(null);
    if (after == null || !"arithmetic".equals(ppo.config().data().builtin())) {
      return "";
    }
    StageConfig config = ppo.config();
    var task =
        new ArithmeticPostTraining(
            new ArithmeticTask(
                config.data().operandDigits(), config.seed(), config.data().heldOutFraction()));
    List<PostTrainingData.Question> questions = new ArrayList<>();
    for (int i = 0; i < SAMPLES; i++) {
      questions.add(task.question(new SplittableRandom(1000 + i), true));
    }
    List<String> prompts = questions.stream().map(PostTrainingData.Question::prompt).toList();
    // Both at once, on two trainer processes when the run has them.
    Path policyCheckpoint = checkpoints.resolve(config.inputs().policy());
    Path tunedCheckpoint = checkpoints.resolve(after.checkpoint());
    var policy =
        sampler.complete(policyCheckpoint, prompts, false, Completions.DEFAULT_MAX_NEW_TOKENS);
    var tuned =
        sampler.complete(tunedCheckpoint, prompts, false, Completions.DEFAULT_MAX_NEW_TOKENS);
    List<String> before = Sampler.await(policy, policyCheckpoint);
    List<String> ppoAnswers = Sampler.await(tuned, tunedCheckpoint);
    StringBuilder html =
        new StringBuilder("<h2>Samples before and after PPO</h2><table>")
            .append("<tr><th>prompt</th><th>answer</th><th>before PPO</th><th>after PPO</th></tr>");
    for (int i = 0; i < prompts.size(); i++) {
      html.append("<tr><td>")
          .append(escape(prompts.get(i)))
          .append("</td><td>")
          .append(escape(questions.get(i).answer()))
          .append("</td><td>")
          .append(escape(before.get(i)))
          .append("</td><td>")
          .append(escape(ppoAnswers.get(i)))
          .append("</td></tr>");
    }
    return html.append("</table>").toString();
  }

  /** The stage's result, if it ran in this run and succeeded. */
  private Optional<StageResult> succeeded(StagePlan stage) {
    return results.stream()
        .filter(r -> r.name().equals(stage.name()) && r.exitCode() == 0)
        .findFirst();
  }

  /**
   * Sampled continuations of a few openings by each pretraining stage that read real text (a JSONL
   * file or prepared shards): what the model learned to write.
   */
  private String textSamples(Path checkpoints) throws IOException {
    StringBuilder html = new StringBuilder();
    for (StagePlan stage : plan.stages()) {
      StageResult result = succeeded(stage).orElse(null);
      if (stage.type() != StageType.Pretrain
          || stage.config().data().path() == null
          || result == null) {
        continue;
      }
      Path checkpoint = checkpoints.resolve(result.checkpoint());
      List<String> completions =
          Sampler.await(sampler.complete(checkpoint, TEXT_PROMPTS, true, TEXT_TOKENS), checkpoint);
      html.append("<h2>Samples from ")
          .append(escape(stage.name()))
          .append("</h2><p>Sampled at temperature 0.8 (top-k 40), ")
          .append(TEXT_TOKENS)
          .append(" tokens at most.</p><table><tr><th>opening</th><th>continuation</th></tr>");
      for (int i = 0; i < TEXT_PROMPTS.size(); i++) {
        html.append("<tr><td>")
            .append(escape(TEXT_PROMPTS.get(i)))
            .append("</td><td style=\"white-space:pre-wrap\">")
            .append(escape(completions.get(i)))
            .append("</td></tr>");
      }
      html.append("</table>");
    }
    return html.toString();
  }

  /** A 360×180 SVG line chart of (step, loss). */
  static String chart(List<double[]> points) {
    if (points.size() < 2) {
      return "<i>no loss reported</i>";
    }
    double minX = points.get(0)[0];
    double maxX = points.get(points.size() - 1)[0];
    double minY = points.stream().mapToDouble(p -> p[1]).min().orElse(0);
    double maxY = points.stream().mapToDouble(p -> p[1]).max().orElse(1);
    double w = 360;
    double h = 180;
    double pad = 30;
    StringBuilder line = new StringBuilder();
    for (double[] p : points) {
      double x = pad + (p[0] - minX) / Math.max(1e-9, maxX - minX) * (w - 2 * pad);
      double y = h - pad - (p[1] - minY) / Math.max(1e-9, maxY - minY) * (h - 2 * pad);
      line.append(String.format("%.1f,%.1f ", x, y));
    }
    return String.format(
        "<svg width=\"%.0f\" height=\"%.0f\" xmlns=\"http://www.w3.org/2000/svg\">"
            + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>"
            + "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"%s\"/>"
            + "<text x=\"4\" y=\"%.0f\" font-size=\"11\">%.3f</text>"
            + "<text x=\"4\" y=\"14\" font-size=\"11\">%.3f</text>"
            + "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">step %.0f</text></svg>",
        w, h, line.toString().trim(), h - pad + 4, minY, maxY, w - 90, h - 6, maxX);
  }

  /**
   * The metric charted per step: the loss, except for PPO, whose surrogate loss says little and
   * whose rollout reward (score less β·KL) is what it maximises.
   */
  static String curveMetric(StageType type) {
    return type == StageType.PPO ? "reward" : "loss";
  }

  /**
   * A PPO stage's numbers next to its frozen reference's (the policy it started from): on held-out
   * prompts the reward gain and the exact match it kept, on the prompts it trained on whether more
   * sampled answers are right, as a table.
   */
  private static String ppoAgainstReference(StageResult r) {
    Map<String, Double> m = r.metrics();
    if (!m.containsKey("sampleScore") || !m.containsKey("referenceSampleScore")) {
      return "";
    }
    StringBuilder html =
        new StringBuilder("<h2>PPO ")
            .append(escape(r.name()))
            .append(" against its reference</h2><table>")
            .append("<tr><th></th><th>reference</th><th>after PPO</th>")
            .append("<th>change</th></tr>");
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("sampleScore", "held-out prompts: reward-model score of sampled answers");
    rows.put("sampleExactMatch", "held-out prompts: exact match of sampled answers");
    rows.put("evalScore", "held-out prompts: reward-model score of greedy answers");
    rows.put("exactMatch", "held-out prompts: exact match of greedy answers");
    rows.put("trainSampleExactMatch", "training prompts: exact match of sampled answers");
    rows.forEach(
        (metric, label) -> {
          String reference =
              "reference" + Character.toUpperCase(metric.charAt(0)) + metric.substring(1);
          if (m.containsKey(metric) && m.containsKey(reference)) {
            html.append("<tr><td>")
                .append(label)
                .append("</td><td>")
                .append(String.format("%.3f", m.get(reference)))
                .append("</td><td>")
                .append(String.format("%.3f", m.get(metric)))
                .append("</td><td>")
                .append(String.format("%+.3f", m.get(metric) - m.get(reference)))
                .append("</td></tr>");
          }
        });
    html.append("</table><p>KL to the reference: ")
        .append(String.format("%.3f", m.getOrDefault("kl", Double.NaN)))
        .append(" nats per response.</p>");
    return html.toString();
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}

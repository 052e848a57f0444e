package dev.emergent.trainer.run;

import dev.emergent.api.v1alpha1.StageType;
import dev.emergent.plan.CheckpointPaths;
import dev.emergent.plan.ExitCode;
import dev.emergent.plan.Progress;
import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.checkpoint.CheckpointStore;
import dev.emergent.trainer.checkpoint.Manifest;
import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.data.BadInputException;
import dev.emergent.trainer.data.PreferenceBatches;
import dev.emergent.trainer.data.PromptFormat;
import dev.emergent.trainer.data.SftBatches;
import dev.emergent.trainer.generate.ExactMatch;
import dev.emergent.trainer.mesh.DataParallel;
import dev.emergent.trainer.mesh.TensorParallel;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.model.ModelShape;
import dev.emergent.trainer.optim.AdamW;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Runs one stage on one process: resume from the stage's latest checkpoint or start from its input,
 * train to the last step, evaluate and checkpoint on schedule, report progress.
 */
public final class StageRunner {
  private final StageConfig config;
  private final Compute compute;
  private final CheckpointStore store;
  private final Path dataRoot;
  private final double peakFlops;
  private final Consumer<Progress> progress;
  private final PrintStream log;
  private final int rank;
  private final DataParallel dataParallel;
  private final TensorParallel tensorParallel;

  /** What verification skipped at start and where the stage resumed instead; null if nothing. */
  private String checkpointFallback;

  /** How the stage ended, for the termination summary. */
  public record Outcome(
      ExitCode code,
      long step,
      String checkpoint,
      Map<String, Double> metrics,
      String message,
      String checkpointFallback) {
    public Outcome(
        ExitCode code, long step, String checkpoint, Map<String, Double> metrics, String message) {
      this(code, step, checkpoint, metrics, message, null);
    }
  }

  public StageRunner(
      StageConfig config,
      CheckpointStore store,
      Path dataRoot,
      double peakFlops,
      Consumer<Progress> progress,
      PrintStream log) {
    this(
        config,
        store,
        dataRoot,
        peakFlops,
        progress,
        log,
        Compute.cpu(DataType.FLOAT),
        0,
        DataParallel.single(),
        TensorParallel.single());
  }

  /**
   * A runner for one rank of a gang on a data × model mesh: every rank trains its shard of the
   * model on its slice of the batch; checkpoints hold the whole model, gathered over the model
   * axis, and rank 0 alone writes them (data replicas are identical).
   */
  public StageRunner(
      StageConfig config,
      CheckpointStore store,
      Path dataRoot,
      double peakFlops,
      Consumer<Progress> progress,
      PrintStream log,
      Compute compute,
      int rank,
      DataParallel dataParallel,
      TensorParallel tensorParallel) {
    this.compute = compute;
    this.rank = rank;
    this.tensorParallel = tensorParallel;
    this.dataParallel = dataParallel;
    this.config = config;
    this.store = store;
    this.dataRoot = dataRoot;
    this.peakFlops = peakFlops;
    this.progress = progress;
    this.log = log;
  }

  public Outcome run() throws IOException {
    if (config.type() == StageType.PPO && tensorParallel.size() > 1) {
      throw new BadInputException(
          "PPO stage " + config.stage() + " runs on a data axis only; set its model axis to 1");
    }
    ModelShape shape = ModelShape.of(config.model());
    boolean scalarHead = config.type() == StageType.RewardModel;
    Gpt gpt = new Gpt(shape, compute, scalarHead, tensorParallel);
    StageConfig.Optimizer opt = config.optimizer();
    AdamW optimizer =
        new AdamW(gpt.parameters(), opt.beta1(), opt.beta2(), opt.epsilon(), opt.weightDecay());
    Unsharded whole = new Unsharded(gpt, scalarHead, opt);
    BpeTokenizer tokenizer = StageTokenizer.of(config, dataRoot);
    Manifest.TrainingState state = start(gpt, optimizer, whole, tokenizer);
    StageLoop training = loop(gpt, optimizer, whole, tokenizer, state);
    log.printf(
        "%s/%s: %s, %,d parameters, %d steps of %d sequences × %d tokens%n",
        config.run(),
        config.stage(),
        config.type(),
        gpt.parameters().count(),
        config.steps(),
        config.batchSize(),
        config.model().contextLength());

    Map<String, Double> metrics = new LinkedHashMap<>();
    String checkpoint = null;
    long tokensSeen = state.tokensSeen();
    int logEvery = Math.max(1, config.steps() / 20);
    Throughput throughput = new Throughput();
    double flopsPerToken = shape.compute().flopsPerToken();
    int ranks = config.mesh().deviceCount();
    for (long step = state.nextStep(); step < config.steps(); step++) {
      StageLoop.StepResult result = training.step(step);
      tokensSeen += result.tokens();
      double tokensPerSecond = throughput.record(result.tokens());
      long done = step + 1;
      boolean last = done == config.steps();
      metrics.put("loss", result.loss());
      metrics.put(training.accuracyMetric(), result.accuracy());
      metrics.putAll(training.stepMetrics());
      metrics.put("learningRate", result.learningRate());
      metrics.put("gradNorm", result.gradNorm());
      metrics.put("tokensPerSecond", tokensPerSecond);
      // Tokens are the whole gang's; so is the peak: each rank measured its own at start.
      metrics.put("mfu", tokensPerSecond * flopsPerToken / (peakFlops * ranks));
      if (done % config.evalEverySteps() == 0 || last) {
        metrics.putAll(training.evaluate());
      }
      if (done % config.checkpoint().everySteps() == 0 || last) {
        // Rank 0 writes; only its model-axis group needs the whole state.
        Unsharded.State saved = dataParallel.index() == 0 ? whole.forCheckpoint(optimizer) : null;
        checkpoint =
            rank != 0
                ? CheckpointPaths.step(config.run(), config.stage(), done)
                : store.save(
                    config,
                    done,
                    saved.parameters(),
                    saved.optimizer(),
                    new Manifest.TrainingState(done, tokensSeen, training.dataPosition(done)),
                    Map.copyOf(metrics),
                    tokenizer);
      }
      progress.accept(
          progress("Running", done, metrics, checkpoint, throughput.eta(config.steps() - done)));
      if (done % logEvery == 0 || last || step == state.nextStep()) {
        log.printf(
            "step %d/%d loss %.4f%s lr %.2e grad-norm %.2f %,.0f tokens/s MFU %.1f%%%n",
            done,
            config.steps(),
            result.loss(),
            metrics.containsKey("evalLoss")
                ? String.format(" eval-loss %.4f", metrics.get("evalLoss"))
                : "",
            result.learningRate(),
            result.gradNorm(),
            tokensPerSecond,
            100 * metrics.get("mfu"));
      }
    }
    if (checkpoint == null) {
      Optional<CheckpointStore.Loaded> newest = store.resume(config).checkpoint();
      checkpoint = newest.map(l -> relative(l.folder())).orElse(null);
      metrics.putAll(newest.map(l -> l.manifest().metrics()).orElse(Map.of()));
    }
    progress.accept(progress("Succeeded", config.steps(), metrics, checkpoint, 0.0));
    return new Outcome(
        ExitCode.SUCCEEDED, config.steps(), checkpoint, metrics, null, checkpointFallback);
  }

  private StageLoop loop(
      Gpt gpt,
      AdamW optimizer,
      Unsharded whole,
      BpeTokenizer tokenizer,
      Manifest.TrainingState state)
      throws IOException {
    int time = config.model().contextLength();
    PromptFormat format = new PromptFormat(tokenizer);
    return switch (config.type()) {
      case Pretrain ->
          new Training(
              config,
              gpt,
              optimizer,
              StageData.pretraining(config, dataRoot, tokenizer, state),
              null,
              dataParallel,
              whole::model);
      case SFT ->
          new Training(
              config,
              gpt,
              optimizer,
              new SftBatches(
                  StageData.demonstrations(config, dataRoot), config.seed(), time, format),
              new ExactMatch(StageData.demonstrations(config, dataRoot), config.seed(), format),
              dataParallel,
              whole::model);
      case RewardModel ->
          new RewardTraining(
              config,
              gpt,
              optimizer,
              new PreferenceBatches(
                  StageData.preferences(config, dataRoot), config.seed(), time, format),
              StageData.demonstrations(config, dataRoot),
              dataParallel);
      case PPO ->
          new PpoTraining(
              config,
              gpt,
              optimizer,
              store,
              StageData.prompts(config, dataRoot),
              new ExactMatch(StageData.prompts(config, dataRoot), config.seed(), format),
              dataParallel);
    };
  }

  /**
   * Restores the stage's newest intact checkpoint (its latest, unless that fails verification), or
   * loads its input, or initialises from the seed.
   */
  private Manifest.TrainingState start(
      Gpt gpt, AdamW optimizer, Unsharded whole, BpeTokenizer tokenizer) throws IOException {
    CheckpointStore.Resume resume = store.resume(config);
    Optional<CheckpointStore.Loaded> latest = resume.checkpoint();
    if (!resume.skipped().isEmpty()) {
      checkpointFallback =
          "skipped "
              + String.join("; ", resume.skipped())
              + "; resumed from "
              + relative(latest.orElseThrow().folder());
      log.printf("checkpoint fallback: %s%n", checkpointFallback);
    }
    if (latest.isPresent()) {
      StageTokenizer.requireSame(latest.get().manifest(), latest.get().folder(), tokenizer);
      whole.load(latest.get(), optimizer);
      Manifest.TrainingState state = latest.get().manifest().state();
      log.printf(
          "resuming from %s at step %d%n", relative(latest.get().folder()), state.nextStep());
      return state;
    }
    gpt.parameters().initialize(config.seed());
    String input =
        config.type() == StageType.PPO ? config.inputs().policy() : config.inputs().init();
    if (input != null) {
      CheckpointStore.Loaded initial = store.open(input);
      StageTokenizer.requireSame(initial.manifest(), initial.folder(), tokenizer);
      List<String> fresh = whole.loadWeights(initial, config.seed());
      log.printf(
          "starting from %s%s%n",
          input, fresh.isEmpty() ? "" : " (newly initialised: " + String.join(", ", fresh) + ")");
    }
    return new Manifest.TrainingState(0, 0, null);
  }

  private String relative(Path folder) {
    try {
      return store.root().toRealPath().relativize(folder).toString();
    } catch (IOException e) {
      return folder.toString();
    }
  }

  private Progress progress(
      String state, long step, Map<String, Double> metrics, String checkpoint, Double eta) {
    return new Progress(
        config.run(),
        config.stage(),
        config.type().name(),
        state,
        step,
        config.steps(),
        metrics.get("loss"),
        metrics.get("tokensPerSecond"),
        eta,
        checkpoint,
        Map.copyOf(metrics));
  }
}

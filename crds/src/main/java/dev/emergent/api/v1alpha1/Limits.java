package dev.emergent.api.v1alpha1;

/**
 * Bounds shared by the CRD schema and the planner. Upper bounds exist so that the API server's CEL
 * cost estimate stays within its budget and so that a typo cannot ask for a million layers.
 */
public final class Limits {
  public static final int MAX_STAGES = 16;
  public static final int MAX_LADDER_MODELS = 16;
  public static final int MAX_LADDER_TOKENS = 16;
  public static final int MAX_PREDICTIONS = 8;
  public static final int MAX_STUDY_RUNS = MAX_LADDER_MODELS * MAX_LADDER_TOKENS + MAX_PREDICTIONS;
  public static final long MAX_STUDY_TOKENS = 1_000_000_000_000_000L;

  /**
   * One axis per known name ({@link MeshAxis#KNOWN_NAMES}, which must be unique): every rule about
   * axis sizes spells out a product of this many terms, and the API server plans every rule again
   * on each write of a run, its status included, at a cost that grows with the rule's length.
   */
  public static final int MAX_AXES = 2;

  public static final int MAX_AXIS_SIZE = 4096;
  public static final int MAX_PODS = 4096;
  public static final int MAX_DEVICES_PER_POD = 64;
  public static final int MAX_LAYERS = 256;
  public static final int MAX_HEADS = 256;
  public static final int MAX_D_MODEL = 65536;
  public static final int MAX_FFN = 262144;
  public static final int MAX_FFN_MULTIPLIER = 16;
  public static final int MAX_CONTEXT = 131072;
  public static final int MAX_STEPS = 100_000_000;
  public static final int MAX_BATCH = 1_048_576;
  public static final int MAX_RESTARTS = 100;
  public static final int MAX_NAME = 63;
  public static final int MAX_PATH = 1024;

  /** A BPE vocabulary: 256 bytes, 5 special tokens and at least one merge. */
  public static final int MIN_BPE_VOCAB = 262;

  /** Embedding rows; token shards hold ids as uint32 above 65536. */
  public static final int MAX_VOCAB = 1 << 20;

  /** RFC 1123 label: stage and axis names become parts of Kubernetes object names. */
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** RFC 1123 subdomain: names of claims, queues and priority classes. */
  public static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";

  /**
   * A path relative to a volume root: segments of letters, digits, '_', '-' and inner dots,
   * separated by single slashes. No leading slash and no segment that starts with a dot, so no
   * {@code ..}: a run reads only below its root. RE2-compatible, as the API server requires.
   */
  public static final String RELATIVE_PATH =
      "^[A-Za-z0-9_-]([A-Za-z0-9_-]|\\.[A-Za-z0-9_-]|/[A-Za-z0-9_-])*$";

  /**
   * A Kubernetes quantity such as 10Gi, 500m or 1e3 (the grammar of resource.Quantity, as
   * controller-gen writes it into CRDs). A pattern rather than CEL's isQuantity, whose cost on an
   * unbounded string exceeds the API server's budget.
   */
  public static final String QUANTITY =
      "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

  /**
   * A container image reference: optional registry host (with port), lower-case path components
   * joined by '.', '_', '__' or dashes, optional tag, optional sha256 digest; the grammar of the
   * distribution reference library, without its length rules.
   */
  public static final String IMAGE_REFERENCE =
      "^([a-zA-Z0-9-]+(\\.[a-zA-Z0-9-]+)*(:[0-9]+)?/)?[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*"
          + "(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*(:[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127})?"
          + "(@sha256:[a-f0-9]{64})?$";

  private Limits() {}
}

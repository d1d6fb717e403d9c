import Testing

/// The suites that assert a peak RSS under a memory ceiling (`WholeSlideTests`,
/// `DenseSlideTests`, nested in extensions). Peak RSS is a property of the whole test
/// process, so these run one at a time: two slide analyses side by side, each allowed the
/// ceiling, would together pass it (one CI run measured 1.07 GB against 1 GB that way).
@Suite(.serialized) struct MemoryCeilingTests {}

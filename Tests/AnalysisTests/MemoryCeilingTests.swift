import Testing

/// The suites that assert a peak RSS under a memory ceiling (`WholeSlideTests`,
/// `DenseSlideTests`, nested in extensions). Peak RSS is a property of the whole test
/// process, so these run one at a time: two slide analyses side by side, each allowed the
/// ceiling, would together pass it (one CI run measured 1.07 GB against 1 GB that way). Other
/// suites that allocate hundreds of MB in this process run here too, for the same reason:
/// `RedCellScaleTests` (resized smears) and `TrainingRecipeTests` (about 250 MB of crops and
/// training in-process, measured beside `DenseSlideTests`).
@Suite(.serialized) struct MemoryCeilingTests {}

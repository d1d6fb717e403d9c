/// The shape of an SG-CLDFF network and which of its parts are switched on.
///
/// Stored in the weights' metadata, so a checkpoint always rebuilds the network it was
/// trained as. The switches exist for the ablation study (DESIGN §2): without the gate the
/// stage-1 features pass unchanged; without fusion the fused map comes from the deepest
/// level alone; a task that is off has no head.
package struct NetworkConfiguration: Codable, Sendable, Equatable {
    /// Input channels: 4 (stain-normalised RGB + saliency prior) or 3 (no prior channel).
    package var inputChannels = 4
    /// Side of the square input crop, in pixels (a multiple of 32).
    package var cropSize = 128
    package var classCount = 8
    package var stemWidth = 24
    /// Channels of C1...C4 (stage 1 to 4). C4 is twice C3: Swin's patch merging doubles.
    package var stageWidths = [32, 48, 96, 192]
    package var attentionHeads = 4
    package var window = 4
    package var fusionLevelWidth = 32
    package var fusedWidth = 64
    package var cardinality = 8
    package var segmentationWidth = 32
    package var dropout: Float = 0.2
    package var useGate = true
    package var useFusion = true
    package var classify = true
    package var segment = true
    /// Instance-normalise the stem's and stage 1's outputs (IBN-Net-b style: each crop's
    /// per-channel mean and variance removed in the shallow layers, where a stain or scanner
    /// shows most). Optional so that weights saved before it existed still decode (nil = off).
    package var instanceNorm: Bool?
    /// MixStyle after the stem and after stage 1 in training: the probability that a batch's
    /// shallow feature statistics are mixed between its crops (`MixStyle`; a source's stain and
    /// optics show as those statistics). Inference is unaffected; nil or 0 = off, and weights
    /// saved before it existed still decode.
    package var mixStyle: Float?

    package init() {}

    /// Whether the shallow layers are instance-normalised (`instanceNorm`, off when absent).
    package var usesInstanceNorm: Bool { instanceNorm ?? false }

    /// The MixStyle probability per training batch (`mixStyle`, 0 when absent).
    package var mixStyleProbability: Float { mixStyle ?? 0 }

    /// A small valid configuration for tests and examples: the default crop size, window,
    /// inputs and classes, with narrow widths (stem 8, stages 8/8/16/32, 2 attention heads,
    /// fusion levels 8 fused to 16 with cardinality 4, segmentation 8) and no dropout. Fast in
    /// debug builds; for code that needs a network of the product's shape, not a trained one.
    package static var tiny: NetworkConfiguration {
        var c = NetworkConfiguration()
        c.stemWidth = 8
        c.stageWidths = [8, 8, 16, 32]
        c.attentionHeads = 2
        c.fusionLevelWidth = 8
        c.fusedWidth = 16
        c.cardinality = 4
        c.segmentationWidth = 8
        c.dropout = 0
        return c
    }

    /// Segmentation classes: background, cytoplasm, nucleus.
    package static let segmentationClasses = 3
}

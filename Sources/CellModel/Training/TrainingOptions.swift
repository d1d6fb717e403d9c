/// Everything that determines a training run; saved in checkpoints so a run can be resumed
/// and its weights explained.
package struct TrainingOptions: Codable, Sendable, Equatable {
    package var network = NetworkConfiguration()
    package var losses = LossSettings()
    package var epochs = 30
    /// Optimizer steps per epoch; each draws `batchSize` samples by dataset weight.
    package var stepsPerEpoch = 60
    package var batchSize = 32
    package var learningRate: Float = 2e-3
    package var minimumLearningRate: Float = 2e-5
    package var weightDecay: Double = 0.05
    package var warmupSteps = 100
    package var gradientClipNorm: Float = 5
    package var emaDecay: Float = 0.998
    package var seed: UInt64 = 1
    package var threads = 2
    /// Relative sampling weight per dataset name; datasets not named get weight 1.
    package var datasetWeights: [String: Double] = [:]
    /// Whether training crops are augmented.
    package var augment = true

    package init() {}

    package var totalSteps: Int { epochs * stepsPerEpoch }
}

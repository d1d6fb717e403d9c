/// Progress of a training run, reported after every step and every epoch.
package enum TrainingEvent: Sendable {
    case step(epoch: Int, step: Int, stepsPerEpoch: Int, losses: TrainingObjective.Losses, learningRate: Float,
              gradientNorm: Double, cropsPerSecond: Double, etaSeconds: Double)
    case epoch(epoch: Int, meanLosses: TrainingObjective.Losses, seconds: Double, validation: CropValidation)
}

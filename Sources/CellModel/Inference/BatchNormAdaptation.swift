import Foundation
import NN
import Tensor

/// Adapts a trained network to a lab it has never seen, without labels: every batch-norm
/// layer's running mean and variance are re-estimated on crops of that lab's cells, and no
/// learned weight changes (AdaBN; Li et al., "Revisiting batch normalization for practical
/// domain adaptation", 2016).
///
/// A new stain or scanner shifts the early features, and batch norm then normalises them with
/// the training sources' statistics, so later layers see inputs unlike any they were trained
/// on (the model card's cross-dataset section: an unseen source's cells pulled towards one
/// class). Statistics measured on the lab's own crops put the features back where the later
/// layers expect them.
///
/// The crops, shuffled with `seed`, go through the network in batches of `batchSize` with
/// only the batch-norm layers in training mode (batch statistics; dropout stays off). Each
/// layer's running statistic becomes the crop-weighted mean of its batch statistics (batch k
/// of n_k crops enters with momentum n_k / (n_1 + … + n_k)), so the old statistics do not
/// matter, and `blend` then mixes: blend * adapted + (1 - blend) * original. Deterministic for
/// the same crops, order and seed.
package struct BatchNormAdaptation: Sendable {
    package var batchSize = 32
    /// Share of the adapted statistics in the result (1: all adapted; 0: unchanged).
    package var blend = 1.0
    package var seed: UInt64 = 1

    package init() {}

    /// What an adaptation did, as recorded in the adapted weights' metadata.
    package struct Summary: Codable, Equatable, Sendable {
        package var crops: Int
        package var batches: Int
        package var layers: Int
        package var blend: Double
    }

    /// Re-estimates `network`'s batch-norm statistics on `crops` (each at least the network's
    /// input size). Needs at least 2 crops. Leaves the network in inference mode.
    package func adapt(_ network: SGCLDFFNetwork, crops: [[Float]]) throws -> Summary {
        guard crops.count >= 2 else {
            throw CellModelError(.invalidInput, "adaptation needs at least 2 cell crops, got \(crops.count)")
        }
        guard (0...1).contains(blend), batchSize >= 2 else {
            throw CellModelError(.invalidInput, "blend must be in [0, 1] and the batch size at least 2")
        }
        let layers = Self.batchNormLayers(of: network)
        let original = layers.map { (mean: $0.runningMean.copy(), variance: $0.runningVar.copy()) }
        let savedMomentum = layers.map(\.momentum)
        var rng = RandomSource(seed: seed)
        let order = crops.indices.shuffled(using: &rng)
        let c = network.configuration
        let (s, channels) = (c.cropSize, c.inputChannels)
        let values = channels * s * s
        network.setTraining(false)
        for layer in layers { layer.isTraining = true }
        defer {
            for (layer, momentum) in zip(layers, savedMomentum) { layer.momentum = momentum }
            network.setTraining(false)
        }
        var seen = 0, batches = 0, start = 0
        while start < order.count {
            var batch = Array(order[start..<min(start + batchSize, order.count)])
            // A last batch of one crop would give some layers a single value per channel.
            if batch.count == 1 { batch.append(order[start - 1]) }
            let input = Tensor(zeros: [batch.count, channels, s, s])
            for (i, index) in batch.enumerated() {
                let crop = crops[index]
                guard crop.count >= values else {
                    throw CellModelError(.invalidInput, "crop \(index) has \(crop.count) values, need \(values)")
                }
                crop.withUnsafeBufferPointer { (input.data + i * values).update(from: $0.baseAddress!, count: values) }
            }
            seen += batch.count
            for layer in layers { layer.momentum = Float(batch.count) / Float(seen) }
            _ = network.forward(input)
            batches += 1
            start += batchSize
        }
        if blend < 1 {
            let (a, b) = (Float(blend), Float(1 - blend))
            for (layer, old) in zip(layers, original) {
                for ch in 0..<layer.channels {
                    layer.runningMean.data[ch] = a * layer.runningMean.data[ch] + b * old.mean.data[ch]
                    layer.runningVar.data[ch] = a * layer.runningVar.data[ch] + b * old.variance.data[ch]
                }
            }
        }
        return Summary(crops: crops.count, batches: batches, layers: layers.count, blend: blend)
    }

    /// Every batch-norm layer of `module`'s tree, in the tree's order.
    package static func batchNormLayers(of module: any Module) -> [BatchNorm2d] {
        var found: [BatchNorm2d] = []
        if let layer = module as? BatchNorm2d { found.append(layer) }
        for (_, child) in module.children { found += batchNormLayers(of: child) }
        return found
    }
}

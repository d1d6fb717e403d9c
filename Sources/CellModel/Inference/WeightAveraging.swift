import Foundation
import NN
import Tensor

/// A "model soup": the element-wise mean of several fine-tunes of the same weights, one
/// network with no extra cost at inference (Wortsman et al., "Model soups: averaging weights of
/// multiple fine-tuned models improves accuracy without increasing inference time", 2022).
///
/// Fine-tunes that start from the same weights stay in one basin of the loss, so their mean is
/// a network of its own, usually at least as good as each of them and less dependent on any one
/// fine-tune's seed. Networks trained from different starts do not average (their units are in
/// no common order), so every ingredient must record the same `initial_weights_sha256` (what
/// `leuko train --init-weights` writes). Every parameter and buffer is averaged, the batch-norm
/// running statistics too (the mean of the ingredients' estimates, in Double, rounded once).
///
/// The result keeps the first ingredient's metadata but for what averaging changes: the
/// temperatures are the ingredients' means (refit them with `leuko calibrate`), and
/// `averaging` lists every ingredient (SHA-256, seed, command).
package enum WeightAveraging {
    /// The metadata key listing the ingredients (JSON).
    package static let recordKey = "averaging"

    /// One averaged file, as listed under `averaging`.
    package struct Ingredient: Codable, Equatable, Sendable {
        package var sha256: String
        package var seed: String?
        package var command: String?
    }

    /// Averages `models` (at least 2, the same network configuration and classes, fine-tuned
    /// from the same weights); returns the averaged network and its metadata.
    package static func average(_ models: [ModelFile]) throws -> (network: SGCLDFFNetwork, metadata: [String: String]) {
        guard models.count >= 2 else {
            throw CellModelError(.invalidInput, "averaging needs at least 2 weights files, got \(models.count)")
        }
        let first = models[0]
        for (index, model) in models.enumerated().dropFirst() {
            for key in ["network", "classes", ModelFile.stainResidualKey] where model.metadata[key] != first.metadata[key] {
                throw CellModelError(.invalidInput, "weights \(index + 1) differ from the first in `\(key)`: only the same network can be averaged")
            }
        }
        let starts = Set(models.map { $0.metadata["initial_weights_sha256"] ?? "" })
        guard starts.count == 1, let start = starts.first, !start.isEmpty else {
            throw CellModelError(.invalidInput, """
                every weights file must be a fine-tune of the same weights (`initial_weights_sha256`, written by \
                `leuko train --init-weights`); found \(starts.map { $0.isEmpty ? "none" : String($0.prefix(12)) }.sorted())
                """)
        }
        let network = SGCLDFFNetwork(first.network.configuration, seed: 0)
        let targets = network.stateTensors()
        // Same `network` metadata and `ModelFile.load`'s name and shape check: the same tensors, in order.
        let sources = models.map { $0.network.stateTensors() }
        for (position, (_, target)) in targets.enumerated() {
            let count = target.count
            var sum = [Double](repeating: 0, count: count)
            for source in sources {
                let values = source[position].1.data
                for i in 0..<count { sum[i] += Double(values[i]) }
            }
            for i in 0..<count { target.data[i] = Float(sum[i] / Double(models.count)) }
        }
        network.setTraining(false)
        return (network, try metadata(of: models))
    }

    /// The first model's metadata with the temperatures averaged, the calibration note dropped
    /// and the ingredients listed.
    static func metadata(of models: [ModelFile]) throws -> [String: String] {
        var metadata = models[0].metadata
        metadata["calibration"] = nil
        for key in metadata.keys where key == "temperature" || key.hasPrefix("temperature_views_") {
            let values = models.compactMap { $0.metadata[key].flatMap(Double.init) }
            metadata[key] = values.count == models.count ? String(values.reduce(0, +) / Double(values.count)) : nil
        }
        let ingredients = models.map {
            Ingredient(sha256: $0.sha256 ?? "", seed: $0.metadata["seed"], command: $0.metadata["command"])
        }
        metadata[recordKey] = String(decoding: try JSONEncoder.sorted.encode(ingredients), as: UTF8.self)
        return metadata
    }
}

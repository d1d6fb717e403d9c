import Foundation
import NN
import Tensor

/// Everything needed to continue an interrupted training run, in one safetensors file.
///
/// Tensors: `model.<name>` (current weights and buffers), `ema.<name>` (averaged weights and
/// buffers), `adamw.<exp_avg|exp_avg_sq>.<name>` (optimizer moments). Metadata: `options`
/// (TrainingOptions JSON, which must match the resuming run's), `epochs_done`,
/// `optimizer_steps`, `ema_updates`. Written atomically after each epoch, so an interruption
/// loses at most the epoch in progress.
package enum ResumableCheckpoint {
    package static func save(_ trainer: Trainer, to url: URL) throws {
        var tensors: [(String, Tensor)] = trainer.network.stateTensors().map { ("model." + $0.0, $0.1) }
        tensors += (trainer.ema.shadowParameters + trainer.ema.shadowBuffers).map { ("ema." + $0.0, $0.1) }
        tensors += trainer.optimizer.namedState.map { ("adamw." + $0.0, $0.1) }
        let metadata = [
            "options": String(decoding: try JSONEncoder.sorted.encode(trainer.options), as: UTF8.self),
            "epochs_done": String(trainer.completedEpochs),
            "optimizer_steps": String(trainer.optimizer.stepCount),
            "ema_updates": String(trainer.ema.updateCount),
        ]
        try SafeTensors.write(tensors, metadata: metadata, to: url)
    }

    /// Loads a checkpoint into `trainer`, which must have been built with the same options.
    /// Checks every tensor name and shape before copying anything.
    package static func restore(_ trainer: Trainer, from url: URL) throws {
        let file = try SafeTensors(contentsOf: url)
        guard let json = file.metadata["options"]?.data(using: .utf8),
              let saved = try? JSONDecoder().decode(TrainingOptions.self, from: json) else {
            throw TrainingError.badCheckpoint("\(url.path) has no training options")
        }
        guard saved == trainer.options else {
            throw TrainingError.badCheckpoint("\(url.path) was written by a run with other options; start a new output file or pass the same options")
        }
        var targets: [(String, Tensor)] = trainer.network.stateTensors().map { ("model." + $0.0, $0.1) }
        targets += (trainer.ema.shadowParameters + trainer.ema.shadowBuffers).map { ("ema." + $0.0, $0.1) }
        targets += trainer.optimizer.namedState.map { ("adamw." + $0.0, $0.1) }
        var problems: [String] = []
        for (name, tensor) in targets {
            guard let entry = file.entry(name) else { problems.append("missing \(name)"); continue }
            if entry.shape != tensor.shape { problems.append("\(name) has shape \(entry.shape), expected \(tensor.shape)") }
        }
        let expected = Set(targets.map(\.0))
        problems += file.names.filter { !expected.contains($0) }.map { "extra \($0)" }
        guard problems.isEmpty else { throw TrainingError.badCheckpoint("\(url.path): " + problems.joined(separator: "; ")) }
        for (name, tensor) in targets { tensor.assign(try file.tensor(name)) }
        trainer.optimizer.setStepCount(Int(file.metadata["optimizer_steps"] ?? "") ?? 0)
        trainer.ema.restoreUpdateCount(Int(file.metadata["ema_updates"] ?? "") ?? 0)
        trainer.restore(epochs: Int(file.metadata["epochs_done"] ?? "") ?? 0)
    }
}

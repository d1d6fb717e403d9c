import Foundation
import Tensor

/// Saving a module's parameters and buffers as safetensors, and loading them back.
///
/// A checkpoint holds every parameter and buffer under its dotted name, as F32. Loading checks
/// every name and shape before it copies anything, so a failed load leaves the module as it
/// was; the error names each missing, extra and mismatched tensor.
extension Module {
    /// Parameters then buffers, with dotted names: exactly what a checkpoint holds.
    package func stateTensors() -> [(String, Tensor)] {
        namedParameters().map { ($0.0, $0.1.value) } + namedBuffers()
    }

    /// Writes every parameter and buffer to `url` (atomically) with `metadata`.
    package func saveCheckpoint(to url: URL, metadata: [String: String] = [:]) throws {
        try SafeTensors.write(stateTensors(), metadata: metadata, to: url)
    }

    /// Reads `url` and loads it; returns the file's metadata.
    @discardableResult
    package func loadCheckpoint(from url: URL) throws -> [String: String] {
        let file = try SafeTensors(contentsOf: url)
        try load(file)
        return file.metadata
    }

    /// Copies every parameter and buffer from `file` after checking that the names match
    /// exactly and every shape agrees; throws `checkpointMismatch` naming all differences.
    package func load(_ file: SafeTensors) throws {
        let state = stateTensors()
        var missing: [String] = [], mismatched: [String] = []
        var expected = Set<String>()
        for (name, tensor) in state {
            // Not inside `precondition`: -Ounchecked release builds drop its argument entirely.
            let isNew = expected.insert(name).inserted
            precondition(isNew, "module lists \(name) twice")
            guard let entry = file.entry(name) else { missing.append(name); continue }
            if entry.shape != tensor.shape {
                mismatched.append("\(name) (file \(entry.shape), model \(tensor.shape))")
            }
        }
        let extra = file.names.filter { !expected.contains($0) }
        guard missing.isEmpty, extra.isEmpty, mismatched.isEmpty else {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing: \(missing.joined(separator: ", "))") }
            if !extra.isEmpty { parts.append("extra: \(extra.joined(separator: ", "))") }
            if !mismatched.isEmpty { parts.append("shape mismatch: \(mismatched.joined(separator: ", "))") }
            throw NNError(.checkpointMismatch, "\(file.source) does not fit the model; \(parts.joined(separator: "; "))")
        }
        let loaded = try state.map { name, _ in try file.tensor(name) }
        for ((_, target), source) in zip(state, loaded) { target.assign(source) }
    }
}

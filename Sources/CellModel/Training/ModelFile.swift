import Foundation
import NN
import Tensor

/// The bundled weights file: an SG-CLDFF network's EMA weights as safetensors, with the
/// metadata that rebuilds and explains it.
///
/// Metadata keys: `model` (name), `version`, `classes` (comma-separated, network order),
/// `network` (NetworkConfiguration JSON), `temperature` (calibration of the single-view
/// logits, default 1), `temperature_views_N` (calibration of logits averaged over N
/// test-time views, see `TestTimeViews`; when absent, `temperature` is used),
/// `training` (TrainingOptions JSON), `command` (the `leuko train` command line), `seed`,
/// `validation` (CropValidation JSON), `stain_residual` ("true" when the network was trained
/// on crops normalised with the off-plane stain residual kept, which inference must then
/// match) and any extra keys given.
package struct ModelFile {
    package static let modelName = "leuko-wbc"

    package let network: SGCLDFFNetwork
    package let temperature: Double
    package let metadata: [String: String]
    /// SHA-256 of the file's bytes (for reports' contributing-equipment entry).
    package let sha256: String?

    package init(network: SGCLDFFNetwork, temperature: Double, metadata: [String: String], sha256: String? = nil) {
        self.network = network; self.temperature = temperature; self.metadata = metadata; self.sha256 = sha256
    }

    /// Loads and checks a weights file: the network is rebuilt from its metadata, then every
    /// tensor name and shape is checked before any is copied.
    package static func load(_ url: URL) throws -> ModelFile {
        let file = try SafeTensors(contentsOf: url)
        guard let json = file.metadata["network"], let data = json.data(using: .utf8),
              let configuration = try? JSONDecoder().decode(NetworkConfiguration.self, from: data) else {
            throw TrainingError.badCheckpoint("\(url.path): no valid `network` configuration in the metadata")
        }
        let network = SGCLDFFNetwork(configuration, seed: 0)
        try network.load(file)
        network.setTraining(false)
        let temperature = file.metadata["temperature"].flatMap(Double.init) ?? 1
        return ModelFile(network: network, temperature: temperature, metadata: file.metadata,
                         sha256: try? SHA256Digest.hex(of: url))
    }

    /// The metadata key saying the crops keep the stain residual (`keepsStainResidual`).
    package static let stainResidualKey = "stain_residual"

    /// Whether the network was trained on crops whose stain normalisation keeps the OD the
    /// two stain vectors do not explain (`MacenkoNormalizer.keepsResidual`).
    package var keepsStainResidual: Bool { Self.keepsStainResidual(metadata) }

    /// `keepsStainResidual` of a weights file's `metadata` (before loading its network).
    package static func keepsStainResidual(_ metadata: [String: String]) -> Bool { metadata[stainResidualKey] == "true" }

    /// The metadata key of the temperature fitted for `views` test-time views.
    package static func temperatureKey(views: Int) -> String {
        views == 1 ? "temperature" : "temperature_views_\(views)"
    }

    /// The temperature that calibrates logits averaged over `views` test-time views: the one
    /// fitted for that view count, else the single-view one.
    package func temperature(views: Int) -> Double {
        metadata[Self.temperatureKey(views: views)].flatMap(Double.init) ?? temperature
    }

    /// Writes the same weights with `metadata` (the file's own, updated by the caller),
    /// atomically; used to store a refitted calibration.
    package func save(metadata: [String: String], to url: URL) throws {
        try network.saveCheckpoint(to: url, metadata: metadata)
    }

    /// Writes `network`'s weights with the metadata above (atomically).
    package static func save(_ network: SGCLDFFNetwork, temperature: Double, extra: [String: String], to url: URL) throws {
        var metadata = extra
        metadata["model"] = metadata["model"] ?? modelName
        metadata["classes"] = CellClass.allCases.prefix(network.configuration.classCount).map(\.rawValue).joined(separator: ",")
        metadata["network"] = String(decoding: try JSONEncoder.sorted.encode(network.configuration), as: UTF8.self)
        metadata["temperature"] = String(temperature)
        try network.saveCheckpoint(to: url, metadata: metadata)
    }
}

extension JSONEncoder {
    /// Deterministic, compact JSON (sorted keys, `/` unescaped).
    package static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

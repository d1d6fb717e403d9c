import ArgumentParser
import CellModel
import Foundation
import NN

/// `leuko model …`: facts about a network or a weights file.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Facts about the SG-CLDFF network and weights files.",
        subcommands: [ModelInfoCommand.self]
    )
}

/// `leuko model info [--weights FILE] [--json]`: parameter count, FLOPs, parts, metadata.
struct ModelInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Parameter count, forward FLOPs per crop and configuration of a network (default: a new one)."
    )

    @Option(help: "A weights file (.safetensors); without it, a freshly built default network is described.")
    var weights: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let network: SGCLDFFNetwork
        var metadata: [String: String] = [:]
        var digest: String?
        if let weights {
            let file = try ModelFile.load(URL(fileURLWithPath: weights))
            network = file.network
            metadata = file.metadata
            digest = file.sha256
        } else {
            network = SGCLDFFNetwork(seed: 0)
        }
        let info = ModelInfo(parameters: network.parameterCount, forwardGFLOPsPerCrop: Double(network.flops(batch: 1)) / 1e9,
                             configuration: network.configuration, parts: network.children.map { ModelInfo.Part(name: $0.0, parameters: $0.1.parameterCount) },
                             metadata: metadata.filter { $0.key != "network" && $0.key != "training" }, sha256: digest)
        if json {
            let encoder = JSONEncoder.sorted
            encoder.outputFormatting.insert(.prettyPrinted)
            print(String(decoding: try encoder.encode(info), as: UTF8.self))
        } else {
            print("SG-CLDFF: \(info.parameters) parameters, \(String(format: "%.3f", info.forwardGFLOPsPerCrop)) GFLOP per \(network.configuration.cropSize)x\(network.configuration.cropSize) crop (forward)")
            for part in info.parts { print("  \(part.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(part.parameters)") }
            for (key, value) in info.metadata.sorted(by: { $0.key < $1.key }) { print("  \(key): \(value)") }
            if let digest { print("  sha256: \(digest)") }
        }
    }
}

/// What `leuko model info --json` prints.
struct ModelInfo: Encodable {
    struct Part: Encodable { let name: String; let parameters: Int }
    let parameters: Int
    let forwardGFLOPsPerCrop: Double
    let configuration: NetworkConfiguration
    let parts: [Part]
    let metadata: [String: String]
    let sha256: String?

    enum CodingKeys: String, CodingKey {
        case parameters, configuration, parts, metadata, sha256
        case forwardGFLOPsPerCrop = "forward_gflop_per_crop"
    }
}

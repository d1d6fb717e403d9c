import ArgumentParser
import CellModel
import Foundation
import Tensor

/// `leuko average`: writes the element-wise mean of several fine-tunes of the same weights
/// (a model soup, `WeightAveraging`): one network, no extra cost per cell.
struct AverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "average",
        abstract: "Average the weights of fine-tunes of the same weights (a model soup); write one weights file.",
        discussion: """
            Each --weights file must come from `leuko train --init-weights` with the same starting \
            weights (their `initial_weights_sha256`), e.g. the same fine-tune run with different \
            seeds. Every parameter and batch-norm statistic is averaged. The temperatures become \
            the files' means: refit them with `leuko calibrate` for each number of views you use. \
            The metadata gains `averaging` (each file's SHA-256, seed and command) and \
            `averaging_command`.
            """
    )

    @Option(help: "A weights file to average (repeat, at least twice).") var weights: [String]
    @Option(help: "Output weights file (must differ from every input).") var out: String

    func validate() throws {
        guard weights.count >= 2 else { throw ValidationError("give at least two --weights files") }
    }

    func run() throws {
        let output = URL(fileURLWithPath: out).standardizedFileURL.resolvingSymlinksInPath()
        let inputs = weights.map { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath() }
        guard !inputs.contains(output) else { throw ValidationError("--out must be a new file, not one of the inputs") }
        let models = try inputs.map(ModelFile.load)
        let averaged = try WeightAveraging.average(models)
        var metadata = averaged.metadata
        metadata["averaging_command"] = (["leuko"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        try averaged.network.saveCheckpoint(to: output, metadata: metadata)
        let digest = try SHA256Digest.hex(of: output)
        print(String(decoding: try JSONEncoder.sorted.encode(["out": output.path, "sha256": digest,
                                                              "files": String(models.count)]), as: UTF8.self))
    }
}

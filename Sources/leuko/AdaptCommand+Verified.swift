import Analysis
import ArgumentParser
import CellModel
import Foundation
import ModelLab

extension AdaptCommand {
    /// `--tune` as parts; a ValidationError names an unknown one.
    func tunedParts() throws -> Set<VerifiedCellAdaptation.Part> {
        var parts = Set<VerifiedCellAdaptation.Part>()
        for name in tune.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let part = VerifiedCellAdaptation.Part(rawValue: name) else {
                throw ValidationError("--tune: unknown part '\(name)' (known: \(VerifiedCellAdaptation.Part.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            parts.insert(part)
        }
        return parts
    }

    /// Onboarding from verified cells: prints what was measured, writes the weights only when
    /// they are not worse on the cells kept aside, and exits 1 (nothing written) otherwise.
    func runVerified(model: ModelFile, output: URL) throws {
        let localizer = FieldLocalizer(for: model)
        let cells: [TrainingSample]
        do {
            cells = try VerifiedCells.load(verified, localizer: localizer, threads: threads)
        } catch let error as CellModelError {
            throw ValidationError(error.message)
        }
        let unlabelled = images.isEmpty && data.isEmpty ? [] : try unlabelledCells(localizer: localizer).collection.crops
        var adaptation = VerifiedCellAdaptation()
        adaptation.tuned = try tunedParts()
        adaptation.steps = steps
        adaptation.learningRate = learningRate
        adaptation.checkShare = checkShare
        adaptation.statisticsBlend = blend
        adaptation.seed = seed
        let result: VerifiedCellAdaptation.Result
        do {
            result = try adaptation.run(model.network, temperature: model.temperature, verified: cells, unlabelled: unlabelled)
        } catch let error as CellModelError {
            throw ValidationError(error.message)
        }
        let record = String(decoding: try JSONEncoder.sorted.encode(result), as: UTF8.self)
        print(record)
        let summary = "on the \(result.checkCells) verified cells kept aside: accuracy \(String(format: "%.3f", result.before)) before, \(String(format: "%.3f", result.after)) after"
        guard result.accepted else {
            FileHandle.standardError.write(Data("leuko adapt: refused: the adapted weights are worse \(summary); nothing written\n".utf8))
            throw ExitCode.failure
        }
        var metadata = Self.adaptedMetadata(model, key: "adaptation_verified", record: record)
        metadata["adapted_from_sha256"] = model.sha256 ?? ""
        try model.save(metadata: metadata, to: output)
        FileHandle.standardError.write(Data("wrote \(output.path): \(summary)\n".utf8))
    }
}

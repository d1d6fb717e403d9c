import Analysis
import ArgumentParser
import CellModel
import Foundation
import ModelLab
import Tensor

/// `leuko calibrate`: refits the temperature of existing weights for a number of test-time
/// views, on the validation crops of dataset folders (the same split and localisation as
/// `leuko train`), and writes the weights with the new calibration in their metadata.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Refit the weights' temperature for N test-time views on the validation crops of dataset folders; write the weights with it.",
        discussion: """
            The network's weights are copied unchanged; the metadata gains (or replaces) \
            `temperature_views_N` (`temperature` for N = 1) and a `calibration` entry naming the \
            command. Analyses with --views N then report probabilities calibrated for N views.
            """
    )

    @Option(help: "A dataset folder whose validation part is used (repeatable).") var data: [String]
    @Option(help: "Weights file to calibrate (default: the bundled model).") var weights: String?
    @Option(help: "Test-time views to calibrate for: 1, 2, 4 or 8.") var views: Int
    @Option(help: "Output weights file (may be the input).") var out: String
    @Option(help: "Threads.") var threads = 2
    @Option(help: "Also fit on this many copies of each validation crop with a stain appearance drawn from the crops' own distribution, widened (simulated other labs; 0: off).")
    var shiftedCopies = 0
    @Option(help: "With --shifted-copies: the seed of the drawn appearances.") var seed: UInt64 = 1

    func run() throws {
        guard TestTimeViews.counts.contains(views) else { throw ValidationError("--views must be 1, 2, 4 or 8") }
        Parallel.setThreads(threads)
        let model = try ModelFile.load(BundledModel.resolve(weights))
        guard model.network.configuration.classify else { throw ValidationError("these weights have no classification head") }
        var validation: [TrainingSample] = []
        var builder = TrainingSampleBuilder()
        builder.localizer = FieldLocalizer(for: model)
        for directory in data {
            let records = try Dataset.load(directory: directory).records(in: .validation)
            validation += builder.samples(for: records, threads: threads).0
        }
        guard validation.contains(where: { $0.classIndex != nil }) else {
            throw ValidationError("no labelled validation crops in \(data)")
        }
        guard shiftedCopies >= 0 else { throw ValidationError("--shifted-copies must be 0 or more") }
        let fitted = ShiftedCalibrationCrops.make(validation, copies: shiftedCopies, seed: seed)
        let temperature = TemperatureFit.fit(model.network, samples: fitted, views: views)
        var metadata = model.metadata
        metadata[ModelFile.temperatureKey(views: views)] = String(temperature)
        metadata["calibration"] = (["leuko"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        try model.save(metadata: metadata, to: URL(fileURLWithPath: out))
        let crops = validation.filter { $0.classIndex != nil }.count
        print(String(decoding: try JSONEncoder.sorted.encode(
            ["views": Double(views), "temperature": temperature, "validation_crops": Double(crops)]), as: UTF8.self))
    }
}

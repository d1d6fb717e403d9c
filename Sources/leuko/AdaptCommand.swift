import Analysis
import ArgumentParser
import CellModel
import Foundation
import ModelLab
import Tensor

/// `leuko adapt`: adapts weights to a lab's own images and writes the adapted weights to a new
/// file. Without labels, it re-estimates the network's batch-norm statistics on the cells the
/// localiser finds in them (`BatchNormAdaptation`); with `--verified` folders of cells the
/// lab's technicians verified, it also fine-tunes the chosen parts on them and refuses weights
/// that are worse on the verified cells it kept aside (`VerifiedCellAdaptation`).
struct AdaptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapt",
        abstract: "Adapt weights to a lab's own unlabelled images (batch-norm statistics re-estimated on their cells); write new weights.",
        discussion: """
            For a scanner or stain the weights were not trained on. No labels are needed: give \
            images or folders of images from that lab (tens to hundreds of fields or single-cell \
            images; every candidate cell is used, at most --max-cells-per-image per image and \
            --max-cells in all), or dataset folders with --data. Only the batch-norm running \
            statistics change; the metadata gains `adaptation` (what was used) and \
            `adaptation_command`, and the version (which reports name) gains `+adapted`. The \
            probability calibration is the original weights' one. Check the adapted weights \
            with `leuko eval` on labelled cells from the same lab before using them: on images \
            like the training data, adaptation can lose accuracy (see the model card).
            """
    )

    @Argument(help: "Images, or folders searched for images (jpg, png, tif, bmp).") var images: [String] = []
    @Option(name: .customLong("verified"), help: "A folder of the lab's verified cells in the dataset layout (index.csv with image, class, optional mask or annotation); repeatable. Fine-tunes on them; the images and --data folders are then optional unlabelled cells of the lab.")
    var verified: [String] = []
    @Option(help: "With --verified: the parts to fine-tune, comma-separated: head, norms, last-stage.")
    var tune = "head,norms"
    @Option(help: "With --verified: fine-tuning steps (0: batch-norm statistics only).") var steps = VerifiedCellAdaptation().steps
    @Option(help: "With --verified: the fine-tuning's peak learning rate (AdamW, cosine decay).")
    var learningRate: Float = VerifiedCellAdaptation().learningRate
    @Option(help: "With --verified: share of each class's verified cells kept aside to judge the result.")
    var checkShare = VerifiedCellAdaptation().checkShare
    @Option(help: "A dataset folder whose images are used (repeatable; labels are not read).") var data: [String] = []
    @Option(help: "With --data: which part of each dataset folder (validation, train, all).") var split: SplitChoice = .all
    @Option(help: "Weights to adapt (default: the bundled model).") var weights: String?
    @Option(help: "Output weights file (must differ from the input).") var out: String
    @Option(help: "Share of the new statistics in the result, 0 to 1 (1: all new).") var blend = 1.0
    @Option(help: "At most this many cells per image (those nearest its centre).") var maxCellsPerImage = 64
    @Option(help: "At most this many cells in all (images are read in a seeded random order until then; 256 KB each).")
    var maxCells = CandidateCropCollector().maxCrops
    @Option(help: "Seed of the order in which images are read and cells batched.") var seed: UInt64 = 1
    @Option(help: "Threads.") var threads = 2

    func validate() throws {
        guard !images.isEmpty || !data.isEmpty || !verified.isEmpty else {
            throw ValidationError("give images or folders, --data DIR or --verified DIR")
        }
        guard steps >= 0, (0.05..<1).contains(checkShare), learningRate > 0 else {
            throw ValidationError("--steps must be 0 or more, --check-share in [0.05, 1) and --learning-rate positive")
        }
        _ = try tunedParts()
        guard (0...1).contains(blend) else { throw ValidationError("--blend must be in [0, 1]") }
        guard maxCellsPerImage > 0, maxCells >= 2, threads > 0 else {
            throw ValidationError("--max-cells-per-image and --threads must be positive, --max-cells at least 2")
        }
    }

    func run() throws {
        Parallel.setThreads(threads)
        let input = try BundledModel.resolve(weights)
        let output = URL(fileURLWithPath: out)
        guard input.standardizedFileURL.resolvingSymlinksInPath() != output.standardizedFileURL.resolvingSymlinksInPath() else {
            throw ValidationError("--out must be a new file: keep the original weights to compare against")
        }
        let model = try ModelFile.load(input)
        if !verified.isEmpty { return try runVerified(model: model, output: output) }
        let (paths, collection) = try unlabelledCells(localizer: FieldLocalizer(for: model))
        guard collection.crops.count >= 2 else {
            throw ValidationError("found \(collection.crops.count) cells in \(paths.count) images; adaptation needs at least 2")
        }
        var adaptation = BatchNormAdaptation()
        adaptation.blend = blend
        adaptation.seed = seed
        let summary = try adaptation.adapt(model.network, crops: collection.crops)
        let record = AdaptationRecord(summary: summary, imagesGiven: paths.count, imagesRead: collection.imagesRead,
                                      images: collection.images, imagesWithoutCells: collection.imagesWithoutCandidate,
                                      failedImages: collection.failures.count, maxCellsPerImage: maxCellsPerImage,
                                      maxCells: maxCells, seed: seed, from: model.sha256 ?? "")
        let text = String(decoding: try JSONEncoder.sorted.encode(record), as: UTF8.self)
        try model.save(metadata: Self.adaptedMetadata(model, key: "adaptation", record: text), to: output)
        print(text)
    }

    /// The cells the localiser finds in the given images and `--data` folders (each image's
    /// failure reported on stderr), with the paths read.
    func unlabelledCells(localizer: FieldLocalizer) throws -> (paths: [String], collection: CandidateCropCollector.Collection) {
        var paths = try ImagePaths.expand(images)
        for directory in data {
            let dataset = try Dataset.load(directory: directory)
            paths += (split.datasetSplit.map { dataset.records(in: $0) } ?? dataset.records).map(\.imagePath)
        }
        var collector = CandidateCropCollector()
        collector.localizer = localizer
        collector.maxCropsPerImage = maxCellsPerImage
        collector.maxCrops = maxCells
        collector.seed = seed
        let collection = collector.collect(paths, threads: threads)
        for failure in collection.failures { FileHandle.standardError.write(Data("skipped \(failure)\n".utf8)) }
        return (paths, collection)
    }

    /// `model`'s metadata with the adaptation `record` under `key`, the command, and the
    /// version marked `+adapted` (reports name the model by version and weights digest).
    static func adaptedMetadata(_ model: ModelFile, key: String, record: String) -> [String: String] {
        var metadata = model.metadata
        metadata[key] = record
        metadata["adaptation_command"] = (["leuko"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let version = model.metadata["version"] ?? "unversioned"
        metadata["version"] = version.hasSuffix("+adapted") ? version : version + "+adapted"
        return metadata
    }
}

/// What `leuko adapt` did, as stored in the adapted weights' `adaptation` metadata and printed.
struct AdaptationRecord: Codable {
    let summary: BatchNormAdaptation.Summary
    let imagesGiven: Int
    let imagesRead: Int
    /// Images that gave at least one cell.
    let images: Int
    let imagesWithoutCells: Int
    let failedImages: Int
    let maxCellsPerImage: Int
    let maxCells: Int
    let seed: UInt64
    /// SHA-256 of the weights that were adapted.
    let from: String

    enum CodingKeys: String, CodingKey {
        case summary = "batch_norm", imagesGiven = "images_given", imagesRead = "images_read", images
        case imagesWithoutCells = "images_without_cells", failedImages = "failed_images"
        case maxCellsPerImage = "max_cells_per_image", maxCells = "max_cells", seed, from = "adapted_from_sha256"
    }
}

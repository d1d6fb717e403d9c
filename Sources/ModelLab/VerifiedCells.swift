import Analysis
import CellModel

/// A lab's verified cells, read from dataset folders in the shared layout (`index.csv` with
/// `image` and `class`, optional `mask` or `annotation`), as the review service exports them,
/// and cropped by the product's own localisation (`TrainingSampleBuilder`).
///
/// Strict, because what it reads changes the weights a lab will use: a folder that cannot be
/// read, any row the index rejects (unknown class name, missing image or mask), a row without a
/// cell type (`mixed`, `unlabeled`) or an image that cannot be read is an error naming the
/// file (and line), and nothing is returned. A single-cell image where the localisation finds
/// no candidate is cropped around its centre, as in training.
package enum VerifiedCells {
    /// The verified cells of every folder in `directories`.
    package static func load(_ directories: [String], localizer: FieldLocalizer, threads: Int) throws -> [TrainingSample] {
        var builder = TrainingSampleBuilder()
        builder.localizer = localizer
        var samples: [TrainingSample] = []
        for directory in directories {
            let dataset: Dataset
            do {
                dataset = try Dataset.load(directory: directory)
            } catch {
                throw CellModelError(.datasetMissing, "verified cells: \(error)")
            }
            if let problem = dataset.problems.first {
                let more = dataset.problems.count > 1 ? " (and \(dataset.problems.count - 1) more)" : ""
                throw CellModelError(.badIndex, "verified cells: \(problem)\(more)")
            }
            for record in dataset.records {
                guard case .cell = record.label else {
                    throw CellModelError(.badIndex, "verified cells: \(dataset.indexPath):\(record.line): '\(record.label)' is not one cell type; a verified cell needs its type")
                }
            }
            guard !dataset.records.isEmpty else {
                throw CellModelError(.badIndex, "verified cells: \(dataset.indexPath) lists no cells")
            }
            let (found, summary) = builder.samples(for: dataset.records, threads: threads)
            if let failure = summary.failures.first {
                throw CellModelError(.invalidInput, "verified cells: \(failure)")
            }
            samples += found.filter { $0.classIndex != nil }
        }
        return samples
    }
}

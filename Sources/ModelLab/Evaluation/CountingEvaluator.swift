import CellModel
import Analysis
import ImageIO
import Tensor

/// Runs `ImageAnalyzer` on the WBC-labelled images of a single-cell dataset and checks that
/// each is counted (see `CountingReport`): a network that segments a real cell as empty
/// makes the analyzer drop it as `not_a_wbc`, which crop accuracy alone does not show.
package struct CountingEvaluator {
    package let analyzer: ImageAnalyzer

    package init(analyzer: ImageAnalyzer) { self.analyzer = analyzer }

    package func evaluate(_ records: [DatasetRecord]) -> CountingReport {
        var counted = 0
        var missed: [String] = [], failures: [String] = []
        for record in records where record.annotationPath == nil {
            guard let label = record.label.cellClass, label.isWBC else { continue }
            do {
                let analysis = try analyzer.analyze(path: record.imagePath)
                if analysis.cells.contains(where: \.countsAsWBC) { counted += 1 } else { missed.append(record.image) }
            } catch {
                failures.append("\(record.image): \(error)")
            }
        }
        return CountingReport(counted: counted, missedImages: missed, failures: failures)
    }
}

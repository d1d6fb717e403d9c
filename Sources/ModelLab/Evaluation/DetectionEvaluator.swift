import CellModel
import Analysis
import ImageIO
import Tensor

/// Scores `ImageAnalyzer`'s detections against a box dataset's WBC annotations (see
/// `DetectionReport` for the rules). Every record with annotations counts, labelled or not
/// (`mixed` and `unlabeled` fields still have boxes); only the type accuracy needs a label.
package struct DetectionEvaluator {
    package let analyzer: ImageAnalyzer

    package init(analyzer: ImageAnalyzer) { self.analyzer = analyzer }

    package func evaluate(_ records: [DatasetRecord]) -> DetectionReport {
        var (matched, missed, falsePositives, typed, correct) = (0, 0, 0, 0, 0)
        var failures: [String] = []
        var images = 0
        for record in records where record.annotationPath != nil {
            do {
                let analysis = try analyzer.analyze(path: record.imagePath)
                let cells = analysis.cells.filter(\.countsAsWBC)
                let pairs = BoxMatcher.pairs(truth: record.wbcBoxes, found: cells.map(\.box), minIoU: 0.5)
                matched += pairs.count
                missed += record.wbcBoxes.count - pairs.count
                falsePositives += cells.count - pairs.count
                if let label = record.label.cellClass {
                    typed += pairs.count
                    correct += pairs.filter { cells[$0.found].cellClass == label }.count
                }
                images += 1
            } catch {
                failures.append("\(record.image): \(error)")
            }
        }
        return DetectionReport(images: images, matched: matched, missed: missed, falsePositives: falsePositives,
                               typed: typed, correctlyTyped: correct, failures: failures)
    }
}

import Analysis
import CellModel

/// A model measured on a dataset folder the way the product runs it: each labelled image
/// localised, cropped and typed (`DatasetEvaluator`: accuracy, macro-F1, per class, ECE, mask
/// overlaps, review flags), then the whole per-image pipeline of `leuko analyze` for
/// detection (box datasets) or counting (single-cell datasets). `leuko eval` prints one;
/// `leuko crossval` gathers one per held-out source.
package struct RealPathEvaluation {
    package var views = AnalyzerSettings().views
    package var threads = 2
    package var lowConfidence = AnalyzerSettings().lowConfidence
    package var lowConsistency = AnalyzerSettings().lowConsistency
    package var listsMisclassified = false
    package var softwareVersion = "unversioned"

    package init() {}

    package func evaluate(_ model: ModelFile, on dataset: Dataset, records: [DatasetRecord]) throws -> EvaluationReport {
        var evaluator = DatasetEvaluator(predictor: CropPredictor(network: model.network, temperature: model.temperature(views: views),
                                                                  views: views))
        evaluator.listsMisclassified = listsMisclassified
        evaluator.reviewSettings.lowConfidence = lowConfidence
        evaluator.reviewSettings.lowConsistency = lowConsistency
        evaluator.builder.localizer = FieldLocalizer(for: model)
        var report = try evaluator.evaluate(dataset, records: records)
        var settings = AnalyzerSettings()
        settings.threads = threads
        settings.keepCellImages = false
        settings.views = views
        let analyzer = try ImageAnalyzer(model: model, settings: settings, softwareVersion: softwareVersion)
        if dataset.hasAnnotations {
            report.detection = DetectionEvaluator(analyzer: analyzer).evaluate(records)
        } else {
            report.counting = CountingEvaluator(analyzer: analyzer).evaluate(records)
        }
        return report
    }
}

import Analysis

/// What `leuko crossval` reports: each source evaluated by weights trained without it, through
/// the real path, plus the mean and the worst over sources (the numbers a change to the model
/// must improve together).
package struct CrossValidationSummary: Encodable {
    /// One held-out source.
    package struct HeldOut: Encodable {
        package var dataset: String
        package var weights: String
        package var trainingSeconds: Int
        package var report: EvaluationReport

        package init(dataset: String, weights: String, trainingSeconds: Int, report: EvaluationReport) {
            self.dataset = dataset; self.weights = weights; self.trainingSeconds = trainingSeconds; self.report = report
        }

        enum CodingKeys: String, CodingKey {
            case dataset, weights, report
            case trainingSeconds = "training_seconds"
        }
    }

    package var sources: [HeldOut]
    package var meanAccuracy: Double
    package var worstAccuracy: Double
    package var worstSource: String
    package var meanMacroF1: Double
    package var meanECE: Double
    /// The training options shared by every run (`leuko train`'s flags).
    package var command: String

    package init(sources: [HeldOut], command: String) {
        self.sources = sources
        self.command = command
        let n = Double(max(sources.count, 1))
        meanAccuracy = sources.map(\.report.accuracy).reduce(0, +) / n
        meanMacroF1 = sources.map(\.report.macroF1).reduce(0, +) / n
        meanECE = sources.map(\.report.ece).reduce(0, +) / n
        let worst = sources.min { $0.report.accuracy < $1.report.accuracy }
        worstAccuracy = worst?.report.accuracy ?? 0
        worstSource = worst?.dataset ?? ""
    }

    enum CodingKeys: String, CodingKey {
        case sources, command
        case meanAccuracy = "mean_accuracy", worstAccuracy = "worst_accuracy", worstSource = "worst_source"
        case meanMacroF1 = "mean_macro_f1", meanECE = "mean_ece"
    }

    /// A Markdown table: one row per held-out source, then the mean and the worst.
    package var table: String {
        func f(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "" }
        var lines = ["| held out | images | accuracy | macro-F1 | ECE | cell IoU | nucleus IoU | cytoplasm IoU |",
                     "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for s in sources {
            let r = s.report
            lines.append("| \(s.dataset) | \(r.images) | \(f(r.accuracy)) | \(f(r.macroF1)) | \(f(r.ece)) | \(f(r.cellIoU)) | \(f(r.nucleusIoU)) | \(f(r.cytoplasmIoU)) |")
        }
        lines.append("| mean | | \(f(meanAccuracy)) | \(f(meanMacroF1)) | \(f(meanECE)) | | | |")
        lines.append("| worst (\(worstSource)) | | \(f(worstAccuracy)) | | | | | |")
        return lines.joined(separator: "\n")
    }
}

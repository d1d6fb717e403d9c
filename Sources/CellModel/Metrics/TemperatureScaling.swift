import Foundation

/// Fits the temperature T that calibrates a classifier: probabilities = softmax(logits / T).
///
/// T minimises the mean negative log-likelihood of the true classes on a held-out set
/// (Guo et al., 2017). The NLL is convex in 1/T, so a golden-section search over
/// log T in [log 0.05, log 20] finds the minimum; T = 1 leaves the model unchanged.
package enum TemperatureScaling {
    /// The NLL-minimising temperature for `logits` (one row per sample) and true class indices.
    package static func fit(logits: [[Float]], labels: [Int]) -> Double {
        precondition(logits.count == labels.count, "one label per logit row")
        guard !logits.isEmpty else { return 1 }
        var low = log(0.05), high = log(20.0)
        let ratio = (sqrt(5.0) - 1) / 2
        var a = high - ratio * (high - low), b = low + ratio * (high - low)
        var fa = negativeLogLikelihood(logits: logits, labels: labels, temperature: exp(a))
        var fb = negativeLogLikelihood(logits: logits, labels: labels, temperature: exp(b))
        for _ in 0..<80 {
            if fa < fb {
                high = b; b = a; fb = fa
                a = high - ratio * (high - low)
                fa = negativeLogLikelihood(logits: logits, labels: labels, temperature: exp(a))
            } else {
                low = a; a = b; fa = fb
                b = low + ratio * (high - low)
                fb = negativeLogLikelihood(logits: logits, labels: labels, temperature: exp(b))
            }
        }
        return exp((low + high) / 2)
    }

    /// Mean of -log softmax(logits / T)[label], computed stably in Double.
    package static func negativeLogLikelihood(logits: [[Float]], labels: [Int], temperature: Double) -> Double {
        var total = 0.0
        for (row, label) in zip(logits, labels) {
            let scaled = row.map { Double($0) / temperature }
            let top = scaled.max() ?? 0
            let logSum = log(scaled.reduce(0) { $0 + exp($1 - top) }) + top
            total += logSum - scaled[label]
        }
        return total / Double(logits.count)
    }

    /// softmax(logits / T) in Float.
    package static func probabilities(logits: [Float], temperature: Double) -> [Float] {
        let scaled = logits.map { Double($0) / temperature }
        let top = scaled.max() ?? 0
        let exps = scaled.map { exp($0 - top) }
        let sum = exps.reduce(0, +)
        return exps.map { Float($0 / sum) }
    }
}

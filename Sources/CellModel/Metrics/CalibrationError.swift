/// Expected calibration error: how far a model's confidence is from its accuracy.
///
/// Predictions are grouped into `binCount` equal-width bins of confidence (the probability of
/// the predicted class) over [0, 1]; ECE = sum over bins of (bin size / total) x
/// |accuracy in bin - mean confidence in bin|. 0 is perfectly calibrated. A confidence of
/// exactly 1 falls in the last bin.
package struct CalibrationError: Sendable {
    package let binCount: Int
    private var counts: [Int]
    private var correct: [Int]
    private var confidenceSums: [Double]

    package init(binCount: Int = 15) {
        precondition(binCount > 0)
        self.binCount = binCount
        counts = Array(repeating: 0, count: binCount)
        correct = Array(repeating: 0, count: binCount)
        confidenceSums = Array(repeating: 0, count: binCount)
    }

    /// Records one prediction with its confidence in [0, 1] and whether it was right.
    package mutating func add(confidence: Double, isCorrect: Bool) {
        let clamped = min(max(confidence, 0), 1)
        let bin = min(Int(clamped * Double(binCount)), binCount - 1)
        counts[bin] += 1
        confidenceSums[bin] += clamped
        if isCorrect { correct[bin] += 1 }
    }

    package var value: Double {
        let total = counts.reduce(0, +)
        guard total > 0 else { return 0 }
        var sum = 0.0
        for bin in 0..<binCount where counts[bin] > 0 {
            let n = Double(counts[bin])
            sum += n / Double(total) * abs(Double(correct[bin]) / n - confidenceSums[bin] / n)
        }
        return sum
    }
}

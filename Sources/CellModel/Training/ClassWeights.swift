import Foundation

/// Class weights for the cross-entropy from class frequencies in the training set.
///
/// `w_k = (f_k)^(-power)`, normalised so the weights of the classes present average 1;
/// `power` 0.5 (inverse square root) tempers rare classes, which plain inverse frequency
/// (power 1) would weigh by hundreds. Classes absent from the data get weight 0.
package enum ClassWeights {
    package static func fromFrequencies(_ samples: [TrainingSample], classCount: Int, power: Double = 0.5) -> [Float] {
        var counts = [Int](repeating: 0, count: classCount)
        for s in samples { if let k = s.classIndex { counts[k] += 1 } }
        let raw = counts.map { $0 > 0 ? pow(Double($0), -power) : 0 }
        let present = raw.filter { $0 > 0 }
        guard !present.isEmpty else { return [Float](repeating: 1, count: classCount) }
        let mean = present.reduce(0, +) / Double(present.count)
        return raw.map { Float($0 / mean) }
    }
}

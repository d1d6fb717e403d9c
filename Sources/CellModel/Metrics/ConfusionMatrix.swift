/// Counts of (true class, predicted class) pairs, and the classification metrics derived from
/// them: accuracy, per-class precision / recall / F1 / support, and macro-F1.
///
/// Rows are true classes, columns predicted classes, both in `classes` order. A class with no
/// support and no predictions has precision, recall and F1 of 0 and is left out of the
/// macro average (it would otherwise drag the average down for a class the data lacks).
package struct ConfusionMatrix: Sendable, Equatable {
    package let classes: [String]
    /// `counts[true][predicted]`.
    package private(set) var counts: [[Int]]

    package init(classes: [String]) {
        self.classes = classes
        self.counts = Array(repeating: Array(repeating: 0, count: classes.count), count: classes.count)
    }

    /// Records one prediction; both are indices into `classes`.
    package mutating func add(trueClass: Int, predicted: Int) {
        precondition(classes.indices.contains(trueClass) && classes.indices.contains(predicted),
                     "class index out of range")
        counts[trueClass][predicted] += 1
    }

    package var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    package var accuracy: Double {
        let correct = classes.indices.reduce(0) { $0 + counts[$1][$1] }
        return total == 0 ? 0 : Double(correct) / Double(total)
    }

    /// Number of samples whose true class is `index`.
    package func support(_ index: Int) -> Int { counts[index].reduce(0, +) }

    /// Number of samples predicted as `index`.
    package func predictedCount(_ index: Int) -> Int { counts.reduce(0) { $0 + $1[index] } }

    package func precision(_ index: Int) -> Double {
        let predicted = predictedCount(index)
        return predicted == 0 ? 0 : Double(counts[index][index]) / Double(predicted)
    }

    package func recall(_ index: Int) -> Double {
        let support = support(index)
        return support == 0 ? 0 : Double(counts[index][index]) / Double(support)
    }

    package func f1(_ index: Int) -> Double {
        let (p, r) = (precision(index), recall(index))
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    /// Mean F1 over the classes that occur in the data (support > 0).
    package var macroF1: Double {
        let present = classes.indices.filter { support($0) > 0 }
        guard !present.isEmpty else { return 0 }
        return present.reduce(0) { $0 + f1($1) } / Double(present.count)
    }
}

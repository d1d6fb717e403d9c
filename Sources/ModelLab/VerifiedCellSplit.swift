import CellModel
import Tensor

/// Splits a lab's verified cells into the part adaptation learns from and the part kept
/// aside to judge it, class by class (stratified) and reproducibly from a seed.
///
/// Each class's cells are shuffled with the seed; `checkShare` of them (rounded, at least one
/// when the class has two or more cells) are kept aside, the rest fit. A class with a single
/// cell only fits. Indices refer to the input array.
package struct VerifiedCellSplit: Sendable, Equatable {
    package var fit: [Int]
    package var check: [Int]

    /// `classes[i]` is cell i's class index.
    package init(classes: [Int], checkShare: Double, seed: UInt64) {
        precondition((0..<1).contains(checkShare), "checkShare must be in [0, 1)")
        var rng = RandomSource(seed: seed)
        var fit: [Int] = [], check: [Int] = []
        for k in Set(classes).sorted() {
            let members = classes.indices.filter { classes[$0] == k }.shuffled(using: &rng)
            let aside = members.count < 2 ? 0 : max(1, Int((Double(members.count) * checkShare).rounded()))
            check += members.prefix(aside)
            fit += members.dropFirst(aside)
        }
        self.fit = fit.sorted()
        self.check = check.sorted()
    }
}

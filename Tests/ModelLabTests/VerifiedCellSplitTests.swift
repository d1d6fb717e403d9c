import Testing
@testable import ModelLab

/// The stratified, seeded split of a lab's verified cells into fit and check parts.
@Suite struct VerifiedCellSplitTests {
    @Test func keepsAsideAShareOfEveryClassAndAtLeastOne() {
        let classes = Array(repeating: 0, count: 10) + Array(repeating: 1, count: 3) + [2] + Array(repeating: 3, count: 2)
        let split = VerifiedCellSplit(classes: classes, checkShare: 0.3, seed: 4)
        #expect(Set(split.fit).isDisjoint(with: split.check))
        #expect((split.fit + split.check).sorted() == Array(classes.indices), "every cell in exactly one part")
        func aside(_ k: Int) -> Int { split.check.filter { classes[$0] == k }.count }
        #expect(aside(0) == 3 && aside(1) == 1 && aside(3) == 1)
        #expect(aside(2) == 0, "a class with a single cell only fits")
    }

    @Test func isReproducibleFromItsSeedAndChangesWithIt() {
        let classes = (0..<40).map { $0 % 4 }
        #expect(VerifiedCellSplit(classes: classes, checkShare: 0.3, seed: 1) == VerifiedCellSplit(classes: classes, checkShare: 0.3, seed: 1))
        #expect(VerifiedCellSplit(classes: classes, checkShare: 0.3, seed: 1) != VerifiedCellSplit(classes: classes, checkShare: 0.3, seed: 2))
    }
}

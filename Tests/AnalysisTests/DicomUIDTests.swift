import Testing
@testable import Analysis

@Suite struct DicomUIDTests {
    /// Values computed independently with Python: int.from_bytes of the first 16 digest bytes
    /// with the UUID version (8) and variant bits set.
    @Test func digestUIDMatchesIndependentComputation() {
        #expect(DicomUID.fromDigest(hex: String(repeating: "f", count: 64))
                == "2.25.340282366920937934553716840013076889599")
        #expect(DicomUID.fromDigest(hex: "0123456789abcdef0123456789abcdef" + String(repeating: "0", count: 32))
                == "2.25.1512366075203868706818050733967658479")
    }

    @Test func uidsAreValidAndStable() {
        let a = DicomUID.fromDigest(hex: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
        #expect(a == DicomUID.fromDigest(hex: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"))
        #expect(a.utf8.count <= 64)
        #expect(a.allSatisfy { $0.isNumber || $0 == "." })
        let child = DicomUID.child(of: a, index: 17)
        #expect(child == a + ".17")
        #expect(!a.dropFirst(5).hasPrefix("0"))
    }
}

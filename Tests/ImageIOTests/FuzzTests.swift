import Testing
@testable import ImageIO

/// A seeded mutation fuzzer over valid files of every codec: flipped bytes, overwritten runs,
/// deleted and duplicated spans, truncation. Every mutant must decode to some image or fail
/// with an `ImageIOError`; a crash, another error type or a hang fails the run. Limits are
/// tight so a mutated header cannot make a test allocate much.
@Suite struct FuzzTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 11
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    static func mutate(_ input: [UInt8], _ g: inout Generator) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + g.below(4)) {
            guard !bytes.isEmpty else { break }
            let at = g.below(bytes.count)
            switch g.below(6) {
            case 0: bytes[at] ^= UInt8(1 << g.below(8))
            case 1: bytes[at] = UInt8(truncatingIfNeeded: g.next())
            case 2: for i in at..<min(bytes.count, at + 1 + g.below(16)) { bytes[i] = [0x00, 0xFF, 0x7F, 0x80][g.below(4)] }
            case 3: bytes.removeSubrange(at..<min(bytes.count, at + 1 + g.below(32)))
            case 4: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 1 + g.below(32))], at: g.below(bytes.count))
            default: bytes.removeSubrange(at...)
            }
        }
        return bytes
    }

    @Test func mutatedFilesNeverCrash() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let limits = ImageLimits(maxPixels: 1 << 20, maxDimension: 1 << 16, maxFileBytes: 1 << 20)
        var g = Generator(state: 20_261_127)
        var decoded = 0, refused = 0
        for (name, bytes) in try BadInputTests.validFiles(dir) {
            for round in 0..<80 {
                let path = "\(dir)/fuzz-\(round)-\(name)"
                try Fixtures.write(Self.mutate(bytes, &g), path)
                for operation in 0..<3 {
                    do {
                        switch operation {
                        case 0: _ = try ImageReader.info(path, limits: limits)
                        case 1: _ = try ImageReader.read(path, limits: limits)
                        default: _ = try ImageReader.readRegion(path, x: 3, y: 2, width: 10, height: 7, limits: limits)
                        }
                        decoded += 1
                    } catch let error as ImageIOError {
                        refused += 1
                        #expect(!error.message.isEmpty)
                    } catch {
                        Issue.record("\(name) round \(round): unexpected error type \(error)")
                    }
                }
            }
        }
        // Both outcomes occur: the mutations are neither all harmless nor all fatal.
        #expect(decoded > 50 && refused > 50, "decoded \(decoded), refused \(refused)")
    }
}

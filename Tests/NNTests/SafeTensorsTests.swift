import Foundation
import Testing
import Tensor
@testable import NN

@Suite struct SafeTensorsTests {
    private func sample() -> [(String, SafeTensors.Value)] {
        var rng = RandomSource(seed: 3)
        return [
            ("conv.weight", .float32(Tensor.randomNormal([4, 3, 3, 3], rng: &rng))),
            ("labels", .int64(shape: [2, 3], values: [0, -100, 7, 1 << 40, 5, -1])),
            ("loss", .float32(Tensor(shape: [], values: [0.25]))),
            ("empty", .float32(Tensor(zeros: [0, 5]))),
        ]
    }

    @Test func roundTripKeepsNamesShapesValuesAndMetadata() throws {
        let tensors = sample()
        let bytes = try SafeTensors.encode(tensors, metadata: ["model": "sg-cldff", "note": "quote \" and \\ and\nnewline"])
        let file = try SafeTensors(bytes: bytes)
        #expect(file.names == ["conv.weight", "labels", "loss", "empty"])
        #expect(file.metadata == ["model": "sg-cldff", "note": "quote \" and \\ and\nnewline"])
        guard case .float32(let w) = tensors[0].1 else { return }
        let back = try file.tensor("conv.weight")
        #expect(back.shape == [4, 3, 3, 3])
        #expect(back.values == w.values)
        #expect(try file.integers("labels") == [0, -100, 7, 1 << 40, 5, -1])
        #expect(try file.tensor("labels").values == [0, -100, 7, Float(1 << 40), 5, -1])
        #expect(try file.tensor("loss").shape == [])
        #expect(try file.tensor("loss").values == [0.25])
        #expect(try file.tensor("empty").shape == [0, 5])
        #expect(file.entry("labels")?.dtype == .i64)
    }

    @Test func headerIsPaddedToEightBytesAndReadableByLength() throws {
        let bytes = try SafeTensors.encode(sample())
        let length = bytes[0..<8].enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        #expect((8 + length) % 8 == 0)
        #expect(bytes[8] == UInt8(ascii: "{"))
    }

    @Test func readsFloat64AsFloat() throws {
        // Hand-built file: one F64 scalar pair, as Python would write it.
        var header = Array(#"{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}"#.utf8)
        while header.count % 8 != 0 { header.append(32) }
        var bytes: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header
        for v in [1.5, -2.25] { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        let file = try SafeTensors(bytes: bytes)
        #expect(try file.tensor("a").values == [1.5, -2.25])
        #expect(throws: NNError.self) { try file.integers("a") }
    }

    @Test func fileRoundTripThroughDisk() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("leuko-st-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let t = Tensor(shape: [2, 2], values: [1, 2, 3, 4])
        try SafeTensors.write([("t", t)], metadata: ["k": "v"], to: url)
        let file = try SafeTensors(contentsOf: url)
        #expect(try file.tensor("t").values == [1, 2, 3, 4])
        #expect(file.metadata["k"] == "v")
    }

    @Test func missingFileIsAnIOError() {
        let error = #expect(throws: NNError.self) {
            try SafeTensors(contentsOf: URL(fileURLWithPath: "/nonexistent/leuko.safetensors"))
        }
        #expect(error?.code == .io)
    }

    @Test(arguments: [
        ("too short", [UInt8](repeating: 0, count: 5)),
        ("length beyond file", [200, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8)),
        ("not json", [8, 0, 0, 0, 0, 0, 0, 0] + Array("nonsense".utf8)),
        ("bad dtype size", Self.file(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: 8)),
        ("offsets out of order", Self.file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, data: 4)),
        ("negative shape", Self.file(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: 4)),
        ("overlap", Self.file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: 8)),
        ("gap", Self.file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: 8)),
        ("trailing bytes", Self.file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: 12)),
        ("metadata not strings", Self.file(#"{"__metadata__":{"a":1}}"#, data: 0)),
        ("entry without offsets", Self.file(#"{"a":{"dtype":"F32","shape":[1]}}"#, data: 4)),
    ])
    func corruptHeadersAreRejected(reason: String, bytes: [UInt8]) {
        let error = #expect(throws: NNError.self, "\(reason)") { try SafeTensors(bytes: bytes, source: reason) }
        #expect(error?.code == .corruptFile, "\(reason): \(String(describing: error))")
    }

    @Test func unknownDTypeIsNamed() {
        let error = #expect(throws: NNError.self) {
            try SafeTensors(bytes: Self.file(#"{"h":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#, data: 4))
        }
        #expect(error?.code == .unsupportedDType)
        #expect(error?.message.contains("BF16") == true)
    }

    @Test func truncatedFileIsRejectedAtEveryCut() throws {
        let bytes = try SafeTensors.encode(sample())
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: NNError.self, "cut at \(cut)") { try SafeTensors(bytes: Array(bytes[0..<cut])) }
        }
    }

    @Test func duplicateNamesAreRefused() {
        #expect(throws: NNError.self) {
            try SafeTensors.encode([("a", .float32(Tensor(zeros: [1]))), ("a", .float32(Tensor(zeros: [1])))])
        }
    }

    static func file(_ json: String, data: Int) -> [UInt8] {
        let header = Array(json.utf8)
        return (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header
            + [UInt8](repeating: 0, count: data)
    }
}

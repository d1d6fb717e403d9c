import Foundation
import Tensor

/// A safetensors file held in memory: named tensors with dtypes and shapes, plus a string map.
///
/// Layout (the format Python's `safetensors` writes): 8-byte little-endian header length `n`,
/// `n` bytes of JSON (`name -> {dtype, shape, data_offsets}` and an optional `__metadata__`
/// string map), then the raw little-endian data; offsets are relative to the data section,
/// which the tensors must cover exactly (no holes, no overlaps, nothing after the last one).
/// Every check happens in `init`, so a value of this type is always well formed.
///
/// Reads F32, F64, I32 and I64 (each convertible to `Float`; the integer types also to `Int`);
/// other dtypes are rejected at parse time. Writes F32 tensors and I64 integer arrays. Tensors
/// of rank above 4 can be parsed but not turned into a `Tensor`.
package struct SafeTensors: Sendable {
    /// Element types this reader understands.
    package enum DType: String, Sendable, CaseIterable {
        case f32 = "F32", f64 = "F64", i32 = "I32", i64 = "I64"

        /// Bytes per element.
        package var size: Int {
            switch self {
            case .f32, .i32: 4
            case .f64, .i64: 8
            }
        }
    }

    /// One tensor's header entry; `byteRange` is relative to the start of the data section.
    package struct Entry: Sendable, Equatable {
        package let name: String
        package let dtype: DType
        package let shape: [Int]
        package let byteRange: Range<Int>
        /// Number of elements (product of `shape`; 1 for a scalar).
        package var count: Int { shape.reduce(1, *) }
    }

    /// The `__metadata__` map (empty when the file has none).
    package let metadata: [String: String]
    /// Every tensor, in data-section order.
    package let entries: [Entry]
    /// Where the bytes came from, for error messages.
    package let source: String
    private let payload: [UInt8]
    private let index: [String: Int]

    /// Reads and validates a file.
    package init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw NNError(.io, "cannot read \(url.path): \(error.localizedDescription)")
        }
        try self.init(bytes: [UInt8](data), source: url.path)
    }

    /// Parses and validates bytes in safetensors layout.
    package init(bytes: [UInt8], source: String = "<memory>") throws {
        func corrupt(_ reason: String) -> NNError { NNError(.corruptFile, "\(source): \(reason)") }
        guard bytes.count >= 8 else {
            throw corrupt("\(bytes.count) bytes is shorter than the 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw corrupt("header length \(headerLength) exceeds the \(bytes.count - 8) bytes after it (truncated?)")
        }
        let headerEnd = 8 + Int(headerLength)
        let header = try Self.parseHeader(Array(bytes[8..<headerEnd]), corrupt: corrupt)
        let payload = Array(bytes[headerEnd...])

        let sorted = header.entries.sorted { ($0.byteRange.lowerBound, $0.name) < ($1.byteRange.lowerBound, $1.name) }
        var position = 0
        for entry in sorted {
            guard entry.byteRange.lowerBound == position else {
                throw corrupt(entry.byteRange.lowerBound > position
                    ? "gap in the data before \(entry.name) (offset \(entry.byteRange.lowerBound), expected \(position))"
                    : "\(entry.name) overlaps the tensor before it (offset \(entry.byteRange.lowerBound) < \(position))")
            }
            position = entry.byteRange.upperBound
        }
        guard position <= payload.count else {
            throw corrupt("data section holds \(payload.count) bytes but the header needs \(position) (truncated?)")
        }
        guard position == payload.count else {
            throw corrupt("data section has \(payload.count - position) bytes after the last tensor")
        }
        self.metadata = header.metadata
        self.entries = sorted
        self.source = source
        self.payload = payload
        self.index = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1.name, $0) })
    }

    /// Tensor names in data-section order.
    package var names: [String] { entries.map(\.name) }

    /// The header entry for `name`, if present.
    package func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    /// The named tensor converted to Float32 (F64 is rounded, integers converted).
    package func tensor(_ name: String) throws -> Tensor {
        let entry = try require(name)
        guard entry.shape.count <= 4 else {
            throw NNError(.invalidArgument, "\(source): \(name) has rank \(entry.shape.count); Tensor holds rank 0...4")
        }
        let result = Tensor(zeros: entry.shape)
        let out = result.data
        payload.withUnsafeBytes { raw in
            let base = raw.baseAddress! + entry.byteRange.lowerBound
            for i in 0..<entry.count {
                switch entry.dtype {
                case .f32: out[i] = Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                case .f64: out[i] = Float(Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                case .i32: out[i] = Float(Int32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                case .i64: out[i] = Float(Int64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
                }
            }
        }
        return result
    }

    /// The named integer tensor (I32 or I64) as a flat array in row-major order.
    package func integers(_ name: String) throws -> [Int] {
        let entry = try require(name)
        guard entry.dtype == .i64 || entry.dtype == .i32 else {
            throw NNError(.unsupportedDType, "\(source): \(name) is \(entry.dtype.rawValue), not an integer tensor")
        }
        return payload.withUnsafeBytes { raw in
            let base = raw.baseAddress! + entry.byteRange.lowerBound
            return (0..<entry.count).map { i in
                entry.dtype == .i64
                    ? Int(Int64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
                    : Int(Int32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
            }
        }
    }

    private func require(_ name: String) throws -> Entry {
        guard let entry = entry(name) else {
            throw NNError(.missingTensor, "\(source) has no tensor named \(name)")
        }
        return entry
    }
}

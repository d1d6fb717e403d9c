import Foundation
import Tensor

/// Encoding and writing safetensors files (see `SafeTensors`).
extension SafeTensors {
    /// A tensor to write: Float32 data, or integers stored as I64.
    package enum Value {
        case float32(Tensor)
        case int64(shape: [Int], values: [Int])
    }

    /// The bytes of a safetensors file holding `tensors` in the given order.
    ///
    /// The header is padded with spaces to a multiple of 8 bytes, as Python's writer does.
    package static func encode(_ tensors: [(String, Value)], metadata: [String: String] = [:]) throws -> [UInt8] {
        var seen = Set<String>()
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(JSONText.quoted($0)):\(JSONText.quoted(metadata[$0]!))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for (name, value) in tensors {
            guard name != "__metadata__", seen.insert(name).inserted else {
                throw NNError(.invalidArgument, "tensor name \(name) is reserved or used twice")
            }
            let (dtype, shape, bytes): (DType, [Int], Int) = switch value {
            case .float32(let t): (.f32, t.shape, 4 * t.count)
            case .int64(let shape, let values): (.i64, shape, 8 * values.count)
            }
            if case .int64(let shape, let values) = value, shape.reduce(1, *) != values.count {
                throw NNError(.invalidArgument, "\(name): \(values.count) integers for shape \(shape)")
            }
            let shapeText = shape.map(String.init).joined(separator: ",")
            fields.append("\(JSONText.quoted(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(shapeText)],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        var header = Array("{\(fields.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }

        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + offset)
        let length = UInt64(header.count)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))) }
        out += header
        for (_, value) in tensors {
            switch value {
            case .float32(let t):
                for i in 0..<t.count { appendLittleEndian(t.data[i].bitPattern, to: &out) }
            case .int64(_, let values):
                for v in values { appendLittleEndian(UInt64(bitPattern: Int64(v)), to: &out) }
            }
        }
        return out
    }

    /// Writes Float32 tensors to `url` atomically (temporary file, then rename).
    package static func write(_ tensors: [(String, Tensor)], metadata: [String: String] = [:], to url: URL) throws {
        try write(values: tensors.map { ($0.0, .float32($0.1)) }, metadata: metadata, to: url)
    }

    /// Writes tensors of either kind to `url` atomically (temporary file, then rename).
    package static func write(values: [(String, Value)], metadata: [String: String] = [:], to url: URL) throws {
        let bytes = try encode(values, metadata: metadata)
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw NNError(.io, "cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        let le = value.littleEndian
        withUnsafeBytes(of: le) { out.append(contentsOf: $0) }
    }
}

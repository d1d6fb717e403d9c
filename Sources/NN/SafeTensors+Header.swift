import Foundation

/// Parsing of the JSON header of a safetensors file (see `SafeTensors`).
extension SafeTensors {
    struct Header {
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
    }

    private struct RawEntry: Decodable {
        let dtype: String
        let shape: [Int]
        let data_offsets: [Int]
    }

    private enum RawField: Decodable {
        case tensor(RawEntry)
        case metadata([String: String])

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let entry = try? container.decode(RawEntry.self) {
                self = .tensor(entry)
            } else {
                self = .metadata(try container.decode([String: String].self))
            }
        }
    }

    static func parseHeader(_ bytes: [UInt8], corrupt: (String) -> NNError) throws -> Header {
        let fields: [String: RawField]
        do {
            fields = try JSONDecoder().decode([String: RawField].self, from: Data(bytes))
        } catch {
            throw corrupt("header is not a JSON object of tensor entries (\(error))")
        }
        var header = Header()
        for (name, field) in fields {
            switch field {
            case .metadata(let map):
                guard name == "__metadata__" else { throw corrupt("entry \(name) lacks dtype, shape or data_offsets") }
                header.metadata = map
            case .tensor(let raw):
                guard name != "__metadata__" else { throw corrupt("__metadata__ must be a map of strings") }
                header.entries.append(try entry(name, raw, corrupt: corrupt))
            }
        }
        return header
    }

    private static func entry(_ name: String, _ raw: RawEntry, corrupt: (String) -> NNError) throws -> Entry {
        guard let dtype = DType(rawValue: raw.dtype) else {
            throw NNError(.unsupportedDType, "\(name) has dtype \(raw.dtype); supported: F32, F64, I32, I64")
        }
        guard raw.shape.allSatisfy({ $0 >= 0 }) else { throw corrupt("\(name) has a negative extent in \(raw.shape)") }
        var bytes = dtype.size
        for extent in raw.shape {
            let (product, overflow) = bytes.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw corrupt("\(name) shape \(raw.shape) is too large") }
            bytes = product
        }
        guard raw.data_offsets.count == 2, raw.data_offsets[0] >= 0, raw.data_offsets[0] <= raw.data_offsets[1] else {
            throw corrupt("\(name) has invalid data_offsets \(raw.data_offsets)")
        }
        guard raw.data_offsets[1] - raw.data_offsets[0] == bytes else {
            throw corrupt("\(name): \(raw.dtype) \(raw.shape) needs \(bytes) bytes, data_offsets span \(raw.data_offsets[1] - raw.data_offsets[0])")
        }
        return Entry(name: name, dtype: dtype, shape: raw.shape, byteRange: raw.data_offsets[0]..<raw.data_offsets[1])
    }
}

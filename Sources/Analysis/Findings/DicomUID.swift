/// DICOM unique identifiers Leuko mints itself, under the UUID-derived root `2.25` (PS3.5 B.2:
/// "2.25." followed by the decimal value of a 128-bit UUID, no leading zeros).
package enum DicomUID {
    /// A UID from the first 128 bits of a hex digest (e.g. a SHA-256): stable for equal input.
    /// The UUID's version and variant bits are set (version 8, custom) so the value is a valid
    /// RFC 9562 UUID.
    package static func fromDigest(hex: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let digits = Array(hex.utf8)
        for i in 0..<min(16, digits.count / 2) {
            bytes[i] = UInt8(hexValue(digits[2 * i]) << 4 | hexValue(digits[2 * i + 1]))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x80   // version 8
        bytes[8] = (bytes[8] & 0x3F) | 0x80   // RFC variant
        return "2.25." + decimal(bytes)
    }

    /// A UID derived from a parent UID and a small index (e.g. one per cell in a report),
    /// stable for equal input: the parent's digits with `.index` appended, within 64 characters.
    package static func child(of parent: String, index: Int) -> String {
        let uid = parent + "." + String(index)
        precondition(uid.utf8.count <= 64, "UID longer than 64 characters")
        return uid
    }

    private static func hexValue(_ c: UInt8) -> Int {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(c - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(c - UInt8(ascii: "A")) + 10
        default: return 0
        }
    }

    /// Decimal digits of a big-endian unsigned integer, by repeated division by 10.
    private static func decimal(_ bytes: [UInt8]) -> String {
        var number = bytes
        var digits: [UInt8] = []
        while number.contains(where: { $0 != 0 }) {
            var remainder = 0
            for i in number.indices {
                let value = remainder * 256 + Int(number[i])
                number[i] = UInt8(value / 10)
                remainder = value % 10
            }
            digits.append(UInt8(ascii: "0") + UInt8(remainder))
        }
        return digits.isEmpty ? "0" : String(decoding: digits.reversed(), as: UTF8.self)
    }
}

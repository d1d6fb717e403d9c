/// JSON string literals (RFC 8259), for the JSON the project writes by hand: the safetensors
/// header (`SafeTensors.encode`) and the DICOM JSON report (Reporting's `DicomDataset`).
///
/// `quoted` escapes the quote and the backslash, writes `\n`, `\r` and `\t` as such and the
/// other control characters (below U+0020), DEL (U+007F) and the line and paragraph
/// separators (U+2028, U+2029: line breaks to JavaScript) as `\u00XX` / `\u20XX` (lower-case
/// hex); every other character, non-ASCII included, passes through as itself (UTF-8 when the
/// text is encoded). It does not check or repair text: a Swift `String` is always valid
/// Unicode.
package enum JSONText {
    /// `text` as a JSON string literal, quotes included.
    package static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x2028...0x2029).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

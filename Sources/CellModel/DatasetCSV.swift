/// A minimal RFC 4180 CSV reader for `index.csv` files.
///
/// Handles quoted fields (with `""` escapes and embedded commas or newlines), CRLF or LF line
/// ends and a UTF-8 byte-order mark. Each row keeps the 1-based line number it starts on, so
/// a bad row can be reported as `file:line`. Blank lines are skipped. It does not guess
/// delimiters or types: every field is a `String`.
package struct DatasetCSV: Sendable {
    /// One parsed row and the line it starts on.
    package struct Row: Sendable, Equatable {
        package let line: Int
        package let fields: [String]
    }

    package let rows: [Row]

    /// Parses `text`. A quote left open at the end of the text is an error (`badIndex`),
    /// reported with the line where the field began.
    package init(text: String, file: String) throws {
        var rows: [Row] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var line = 1
        var rowStart = 1
        var quoteStart = 0
        var rowHasContent = false
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRow() {
            endField()
            if rowHasContent { rows.append(Row(line: rowStart, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
            rowHasContent = false
        }

        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(b); i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if b == UInt8(ascii: "\n") { line += 1 }
                    field.append(b)
                }
            } else {
                switch b {
                case UInt8(ascii: "\""):
                    inQuotes = true; quoteStart = line; rowHasContent = true
                case UInt8(ascii: ","):
                    endField(); rowHasContent = true
                case UInt8(ascii: "\r"):
                    break
                case UInt8(ascii: "\n"):
                    endRow(); line += 1; rowStart = line
                default:
                    field.append(b); rowHasContent = true
                }
            }
            i += 1
        }
        if inQuotes {
            throw CellModelError(.badIndex, "\(file):\(quoteStart): quoted field is never closed")
        }
        if !field.isEmpty || !fields.isEmpty || rowHasContent { endRow() }
        self.rows = rows
    }
}

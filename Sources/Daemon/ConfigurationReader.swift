import TOMLKit

/// Typed access to the top-level keys of a parsed TOML document, turning every wrong type or
/// out-of-range value into a `DaemonError.configuration` that names the file and the key.
///
/// Missing keys read as nil (the caller keeps its default). Integers are accepted where a
/// number of seconds or a factor is expected (`backoff_factor = 2`).
struct ConfigurationReader {
    let table: TOMLTable
    let source: String

    /// Rejects keys not in `known` (with the closest known key as a hint).
    func rejectUnknownKeys(known: [String]) throws {
        let unknown = table.keys.filter { !known.contains($0) }.sorted()
        guard !unknown.isEmpty else { return }
        let described = unknown.map { key -> String in
            let hint = Self.closest(to: key, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            return "'\(key)'\(hint)"
        }
        throw DaemonError(.configuration, "\(source): unknown key\(unknown.count > 1 ? "s" : "") \(described.joined(separator: ", "))")
    }

    func fail(_ key: String, _ expected: String, _ value: any TOMLValueConvertible) -> DaemonError {
        DaemonError(.configuration, "\(source): key '\(key)': expected \(expected), got \(value.debugDescription) (\(value.type))")
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = table[key] else { return nil }
        guard value.type == .int, let int = value.int, range.contains(int) else {
            throw fail(key, "an integer from \(range.lowerBound) to \(range.upperBound)", value)
        }
        return int
    }

    /// A number in `range`; `upperOpen` excludes the upper bound.
    func double(_ key: String, in range: ClosedRange<Double>, upperOpen: Bool = false) throws -> Double? {
        guard let value = table[key] else { return nil }
        let number: Double? = value.type == .double ? value.double : value.type == .int ? value.int.map(Double.init) : nil
        let expected = "a number from \(range.lowerBound) to \(range.upperBound)\(upperOpen ? " (excluded)" : "")"
        guard let number, number.isFinite, range.contains(number), !(upperOpen && number == range.upperBound) else {
            throw fail(key, expected, value)
        }
        return number
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = table[key] else { return nil }
        guard value.type == .bool, let bool = value.bool else { throw fail(key, "true or false", value) }
        return bool
    }

    func string(_ key: String) throws -> String? {
        guard let value = table[key] else { return nil }
        guard value.type == .string, let string = value.string else { throw fail(key, "a string", value) }
        return string
    }

    /// An absolute path without NUL or newline characters.
    func path(_ key: String) throws -> String? {
        guard let value = table[key] else { return nil }
        guard let path = try string(key), Self.isAbsolutePath(path) else {
            throw fail(key, "an absolute path (starting with '/')", value)
        }
        return path
    }

    /// A non-empty list of strings.
    func strings(_ key: String, allowEmpty: Bool) throws -> [String]? {
        guard let value = table[key] else { return nil }
        let expected = allowEmpty ? "a list of strings" : "a non-empty list of strings"
        guard value.type == .array, let array = value.array else { throw fail(key, expected, value) }
        var result: [String] = []
        for element in array {
            guard element.type == .string, let string = element.string else { throw fail(key, expected, value) }
            result.append(string)
        }
        guard allowEmpty || !result.isEmpty else { throw fail(key, expected, value) }
        return result
    }

    /// A permission mode written as an octal string, e.g. `"0640"`.
    func mode(_ key: String) throws -> UInt16? {
        guard let value = table[key] else { return nil }
        guard let text = try? string(key), (1...4).contains(text.count),
              let mode = UInt16(text, radix: 8), mode <= 0o7777 else {
            throw fail(key, "an octal permission string such as \"0640\"", value)
        }
        return mode
    }

    static func isAbsolutePath(_ path: String) -> Bool {
        path.hasPrefix("/") && !path.contains("\0") && !path.contains("\n")
    }

    /// The known key nearest to `key` by edit distance, when plausibly a typo.
    static func closest(to key: String, in known: [String]) -> String? {
        let scored = known.map { ($0, editDistance(key, $0)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= max(2, key.count / 3) else { return nil }
        return best
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

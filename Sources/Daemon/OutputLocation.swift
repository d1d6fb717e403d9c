import FolderWatch

/// Where the report set of an input goes: `INBOX/sub/dir/name.ext` -> `OUTBOX/sub/dir/name/`,
/// keeping the extension (`name.ext/`) when another input in the same folder has the same stem.
///
/// Whatever the input's name, the result stays inside the outbox: every component is
/// sanitised (control characters such as newlines become `_`; `.`/`..` and empty components
/// are escaped; a component longer than 200 bytes is shortened and suffixed with a hash of the
/// full name, so distinct long names stay distinct). Pure string work: nothing is created.
package enum OutputLocation {
    /// The longest component kept as is, in UTF-8 bytes (file systems allow 255).
    static let maxComponentBytes = 200

    /// The report folder of `input` (an absolute path inside `inbox`).
    ///
    /// - `siblings`: the other file names in the input's folder (to detect stem clashes).
    /// - Throws `DaemonError.output` when `input` is not inside `inbox`.
    package static func reportDirectory(for input: String, inbox: String, outbox: String,
                                        siblings: [String] = []) throws -> String {
        let root = trimmed(inbox)
        guard let below = PathText.relative(input, to: root) else {
            throw DaemonError(.output, "\(escaped(input)) is not inside inbox \(escaped(root))")
        }
        var components = PathText.components(below)
        guard let name = components.popLast() else {
            throw DaemonError(.output, "\(escaped(input)) names no file inside inbox \(escaped(root))")
        }
        let stem = self.stem(of: name)
        let clash = siblings.contains { $0 != name && self.stem(of: $0) == stem }
        components.append(clash || stem.isEmpty ? name : stem)
        let safe = components.map(sanitise)
        let result = trimmed(outbox) + "/" + safe.joined(separator: "/")
        precondition(!safe.contains("..") && !safe.contains("."), "sanitised components never navigate")
        return result
    }

    /// `name` without its last extension (`a.tif` -> `a`, `a.b.png` -> `a.b`, `.x` -> `.x`).
    package static func stem(of name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// A path component safe to create: no control characters, never `.`/`..`/empty, at most
    /// `maxComponentBytes` bytes plus a hash suffix.
    package static func sanitise(_ component: String) -> String {
        var text = String(component.unicodeScalars.map { scalar -> Character in
            scalar.properties.generalCategory == .control || scalar == "/" ? "_" : Character(scalar)
        })
        if text.isEmpty || text == "." || text == ".." { text = "_" + text }
        guard text.utf8.count > maxComponentBytes else { return text }
        var prefix = ""
        for character in text {
            if prefix.utf8.count + String(character).utf8.count > maxComponentBytes - 17 { break }
            prefix.append(character)
        }
        return prefix + "~" + hexHash(component)
    }

    /// FNV-1a 64 of the UTF-8 bytes, as 16 hex digits.
    static func hexHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    private static func trimmed(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }

    private static func escaped(_ text: String) -> String { AdminOutput.oneLine(text) }
}

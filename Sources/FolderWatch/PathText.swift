/// Path arithmetic on the bytes of a path, never on Swift `Character`s.
///
/// A `Character` is a grapheme cluster: in `/in/\u{301}x.png` (a name starting with a
/// combining mark) the `/` and the accent form one Character, so `hasPrefix("/in/")` is false
/// and `split(separator: "/")` does not split there; such a file was never queued nor logged.
/// `/` is one ASCII byte, so working on `unicodeScalars` and `utf8` is exact.
package enum PathText {
    /// Whether `path` lies below `folder` (`folder` itself excluded).
    package static func isInside(_ path: String, _ folder: String) -> Bool {
        relative(path, to: folder) != nil
    }

    /// The part of `path` after `folder/`, or nil when `path` is not below `folder`.
    package static func relative(_ path: String, to folder: String) -> String? {
        let prefix = folder.utf8.last == UInt8(ascii: "/") ? folder : folder + "/"
        guard path.utf8.count > prefix.utf8.count, path.utf8.starts(with: prefix.utf8) else { return nil }
        let scalars = path.unicodeScalars
        return String(scalars[scalars.index(scalars.startIndex, offsetBy: prefix.unicodeScalars.count)...])
    }

    /// The non-empty components of `path` between `/` separators.
    package static func components(_ path: String) -> [String] {
        path.unicodeScalars.split(separator: "/").map { String(String.UnicodeScalarView($0)) }
    }

    /// The last component (the whole path when it has no `/`).
    package static func lastComponent(_ path: String) -> String {
        components(path).last ?? path
    }
}

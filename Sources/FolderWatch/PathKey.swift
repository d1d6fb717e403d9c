/// A path as a dictionary or set key, compared byte for byte.
///
/// Swift's `String` equality is Unicode canonical equivalence: `é` as one code point (NFC) and
/// as `e` plus a combining accent (NFD) are equal Strings, but on Linux they are two files
/// with two names. Keyed by `String`, such twins would share one entry and be emitted only
/// alternately; keyed by their UTF-8 bytes, each is tracked on its own.
package struct PathKey: Hashable, Sendable {
    /// The path as given.
    package let path: String
    private let bytes: [UInt8]

    package init(_ path: String) {
        self.path = path
        bytes = Array(path.utf8)
    }

    package static func == (a: PathKey, b: PathKey) -> Bool { a.bytes == b.bytes }
    package func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
}

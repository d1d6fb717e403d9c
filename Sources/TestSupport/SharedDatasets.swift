import Foundation

/// Where the real datasets live for tests: `../shared/datasets` beside the package root,
/// located from this file (not the working directory). Nil when absent, so tests skip.
package enum SharedDatasets {
    package static let root: String? = {
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = packageRoot.appendingPathComponent("../shared/datasets").standardizedFileURL.path
        return FileManager.default.fileExists(atPath: path + "/INDEX.md") ? path : nil
    }()

    package static var present: Bool { root != nil }
}

/// A scratch folder under the system temporary directory, removed by `remove()`.
package struct ScratchFolder {
    package let path: String

    /// A new empty folder named `leuko-PREFIX-UUID`.
    package init(prefix: String = "test") throws {
        path = NSTemporaryDirectory() + "leuko-\(prefix)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    package func write(_ relative: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path + "/" + relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    package func remove() { try? FileManager.default.removeItem(atPath: path) }
}

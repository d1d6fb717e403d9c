#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The hidden folder a report set is written into before it becomes visible under its real
/// name (see `ReportWriter` for the whole procedure). Owns the staging folder until `commit`
/// or `discard`.
struct ReportStaging {
    /// The final report folder.
    let target: String
    /// The hidden staging folder beside it.
    let path: String

    /// Creates the target's parent (with its parents) and an empty staging folder in it.
    /// With `targetMustBeFolder`, a target that exists as something else than a folder is
    /// refused at once (a write into a named folder); publishing a new folder passes false.
    init(target: String, targetMustBeFolder: Bool = true) throws {
        var target = target
        while target.count > 1 && target.hasSuffix("/") { target.removeLast() }
        self.target = target
        let url = URL(fileURLWithPath: target)
        let parent = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        var isDirectory: ObjCBool = false
        if targetMustBeFolder, FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ReportingError(.outputDirectory, path: target, "exists and is not a folder")
        }
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw ReportingError(.outputDirectory, path: parent, "cannot create the folder: \(Self.reason(error))")
        }
        path = parent + "/." + name + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        if mkdir(path, 0o755) != 0 {
            throw ReportingError(.outputDirectory, path: path, "cannot create the staging folder: \(String(cString: strerror(errno)))")
        }
    }

    /// Makes the staged `files` (relative paths, in commit order) visible under `target`.
    /// With `replacingCells`, `cells/*.png` of an earlier report that this one does not
    /// replace are removed.
    func commit(files: [String], replacingCells: Bool) throws {
        try Self.syncDirectory(path)
        if FileManager.default.fileExists(atPath: path + "/cells") { try Self.syncDirectory(path + "/cells") }
        // A missing or empty target is replaced in one rename.
        if rename(path, target) == 0 {
            try Self.syncDirectory(parent)
            return
        }
        let code = errno
        guard code == ENOTEMPTY || code == EEXIST else {
            throw ReportingError(.outputDirectory, path: target, "cannot rename the staged report into place: \(String(cString: strerror(code)))")
        }
        try merge(files: files, replacingCells: replacingCells)
        discard()
    }

    /// Removes the staging folder and whatever is in it.
    func discard() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Renames each staged file over its namesake in the existing target.
    private func merge(files: [String], replacingCells: Bool) throws {
        let keptCells = Set(files.filter { $0.hasPrefix("cells/") })
        if !keptCells.isEmpty, mkdir(target + "/cells", 0o755) != 0, errno != EEXIST {
            throw ReportingError(.outputDirectory, path: target + "/cells", "cannot create the folder: \(String(cString: strerror(errno)))")
        }
        for file in files {
            if rename(path + "/" + file, target + "/" + file) != 0 {
                throw ReportingError(.writeFailed, path: target + "/" + file, "cannot move the staged file into place: \(String(cString: strerror(errno)))")
            }
        }
        if replacingCells, let old = try? FileManager.default.contentsOfDirectory(atPath: target + "/cells") {
            for name in old where Self.isCellImageName(name) && !keptCells.contains("cells/" + name) {
                unlink(target + "/cells/" + name)
            }
        }
        if !keptCells.isEmpty { try Self.syncDirectory(target + "/cells") }
        try Self.syncDirectory(target)
    }

    var parent: String { URL(fileURLWithPath: target).deletingLastPathComponent().path }

    /// `NNN.png` with three or more digits: the names this writer owns inside `cells/`.
    static func isCellImageName(_ name: String) -> Bool {
        guard name.hasSuffix(".png") else { return false }
        let stem = name.dropLast(4)
        return stem.count >= 3 && stem.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func syncDirectory(_ directory: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ReportingError(.outputDirectory, path: directory, "cannot open the folder to sync it: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        if fsync(fd) != 0 {
            throw ReportingError(.writeFailed, path: directory, "fsync failed: \(String(cString: strerror(errno)))")
        }
    }

    private static func reason(_ error: Error) -> String {
        (error as NSError).localizedDescription
    }
}

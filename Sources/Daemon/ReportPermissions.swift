import Foundation
import Glibc

/// Gives a finished report set its configured permissions: folders `report_dir_mode`, files
/// `report_file_mode`, and the group `report_group` (so technicians can read reports without
/// being the daemon's user). Applied to the report folder, everything in it, and the folders
/// between the outbox and it. Symlinks are left alone (never followed).
package struct ReportPermissions: Sendable, Equatable {
    package var fileMode: mode_t
    package var directoryMode: mode_t
    /// The group id to give, or nil to keep the daemon's.
    package var group: gid_t?

    /// Resolves `report_group`. Throws `DaemonError.configuration` for an unknown group.
    package init(_ configuration: Configuration) throws {
        fileMode = mode_t(configuration.reportFileMode)
        directoryMode = mode_t(configuration.reportDirectoryMode)
        if configuration.reportGroup.isEmpty {
            group = nil
        } else if let entry = getgrnam(configuration.reportGroup) {
            group = entry.pointee.gr_gid
        } else {
            throw DaemonError(.configuration, "key 'report_group': no group named '\(configuration.reportGroup)' on this system")
        }
    }

    /// Applies the permissions to `directory` (inside `outbox`) and below. Throws
    /// `DaemonError.output` naming the path that refused.
    package func apply(to directory: String, outbox: String) throws {
        var between: [String] = []
        var current = (directory as NSString).deletingLastPathComponent
        let root = outbox.hasSuffix("/") ? String(outbox.dropLast()) : outbox
        while current.hasPrefix(root + "/") {
            between.append(current)
            current = (current as NSString).deletingLastPathComponent
        }
        for folder in between { try set(folder, mode: directoryMode) }
        try set(directory, mode: directoryMode)
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return }
        while let relative = walker.nextObject() as? String {
            let path = directory + "/" + relative
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFDIR: try set(path, mode: directoryMode)
            case S_IFREG: try set(path, mode: fileMode)
            default: continue
            }
        }
    }

    private func set(_ path: String, mode: mode_t) throws {
        if let group, lchown(path, uid_t.max, group) != 0 {
            throw DaemonError(.output, "cannot give \(AdminOutput.oneLine(path)) to group \(group): \(String(cString: strerror(errno)))")
        }
        guard chmod(path, mode) == 0 else {
            throw DaemonError(.output, "cannot set permissions of \(AdminOutput.oneLine(path)): \(String(cString: strerror(errno)))")
        }
    }
}

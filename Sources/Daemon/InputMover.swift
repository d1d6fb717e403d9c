import CFileSystem
import Foundation
import Glibc
import Reporting

/// `on_success = "move:DIR"`: moves a finished input from its inbox to the same relative path
/// below DIR, in a way a scanner account that controls the inbox cannot turn against the
/// daemon.
///
/// No path is resolved twice and no link is followed: the inbox folder is opened once, every
/// folder below it is opened with `O_NOFOLLOW` relative to its parent's descriptor (a folder
/// swapped for a symlink fails the move), the file itself is checked with
/// `fstatat(AT_SYMLINK_NOFOLLOW)` (a regular file of the size and modification time the job
/// analysed), and it is renamed relative to those descriptors with
/// `renameat2(RENAME_NOREPLACE)`, so nothing at the destination is ever replaced: a name
/// taken there gets `-2`, `-3`, … before its extension. Destination folders are created the
/// same way (`mkdirat`, then `O_NOFOLLOW`). Names are sanitised as report folders are
/// (`OutputLocation.sanitise`).
package enum InputMover {
    /// Moves `relative` (components below `inbox`) to `destination`; returns the path it now
    /// has. Throws `DaemonError(.output)` with the reason when it cannot.
    package static func move(_ relative: [String], inbox: String, to destination: String,
                             size: Int64, mtimeNanoseconds: Int64) throws -> String {
        guard let name = relative.last, !relative.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw DaemonError(.output, "not a file inside the inbox: \(AdminOutput.oneLine(relative.joined(separator: "/")))")
        }
        let source = try openFolders(Array(relative.dropLast()), from: inbox, creating: false)
        defer { close(source) }
        var st = stat()
        guard fstatat(source, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
            throw DaemonError(.output, "cannot find \(AdminOutput.oneLine(name)) to move it: \(String(cString: strerror(errno)))")
        }
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw DaemonError(.output, "\(AdminOutput.oneLine(name)) is no longer a regular file; not moved")
        }
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        guard Int64(st.st_size) == size, mtime == mtimeNanoseconds else {
            throw DaemonError(.output, "\(AdminOutput.oneLine(name)) changed since it was analysed; not moved")
        }
        let folders = relative.dropLast().map(OutputLocation.sanitise)
        let target = try openFolders(Array(folders), from: destination, creating: true)
        defer { close(target) }
        let clean = OutputLocation.sanitise(name)
        for n in 1...ReportPublication.maxCandidates {
            let candidate = n == 1 ? clean : Self.numbered(clean, n)
            if leuko_renameat_noreplace(source, name, target, candidate) == 0 {
                return ([destination] + folders + [candidate]).joined(separator: "/")
            }
            guard errno == EEXIST else {
                throw DaemonError(.output, "cannot move \(AdminOutput.oneLine(name)): \(String(cString: strerror(errno)))")
            }
        }
        throw DaemonError(.output, "cannot move \(AdminOutput.oneLine(name)): every numbered name is taken")
    }

    /// `name` with `-n` before its extension (`a.tif` -> `a-2.tif`).
    static func numbered(_ name: String, _ n: Int) -> String {
        let stem = OutputLocation.stem(of: name)
        return stem + "-\(n)" + name.dropFirst(stem.count)
    }

    /// Opens `root`, then each of `components` below it without following links (creating
    /// missing ones with mode 0750, and `root` itself, when `creating`); returns the last
    /// descriptor.
    static func openFolders(_ components: [String], from root: String, creating: Bool) throws -> Int32 {
        // The root is the administrator's (configured), so it may be created with its parents.
        if creating { try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true) }
        var fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw DaemonError(.output, "cannot open \(AdminOutput.oneLine(root)): \(String(cString: strerror(errno)))")
        }
        for component in components {
            if creating, mkdirat(fd, component, 0o750) != 0, errno != EEXIST {
                let code = errno
                close(fd)
                throw DaemonError(.output, "cannot create \(AdminOutput.oneLine(component)): \(String(cString: strerror(code)))")
            }
            let next = openat(fd, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let code = errno
            close(fd)
            guard next >= 0 else {
                let why = code == ELOOP || code == ENOTDIR ? "is not a folder (a symlink or a file took its place)" : String(cString: strerror(code))
                throw DaemonError(.output, "\(AdminOutput.oneLine(component)) \(why); not moved")
            }
            fd = next
        }
        return fd
    }
}

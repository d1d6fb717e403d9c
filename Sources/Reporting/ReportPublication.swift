#if canImport(Glibc)
import Glibc
#endif
import CFileSystem
import Foundation

/// The rule that gives every daemon job a report folder of its own, never shared and never
/// overwritten, and finds it again after a crash.
///
/// A job whose report would go to `BASE` (`OutputLocation`: the input's path mirrored below
/// the outbox) publishes into the first of `BASE`, `BASE-2`, `BASE-3`, … that does not exist
/// at that moment. The whole staged folder is renamed into place with
/// `renameat2(RENAME_NOREPLACE)` (or, where the file system cannot, by creating the empty
/// folder with `mkdir`, which fails when it exists, and renaming over that empty folder), so a
/// folder that exists is never replaced nor merged into: a scanner reusing `Image001.jpg`
/// gets `Image001-2/`, two names that clean to the same folder get one each.
///
/// Each published folder holds `ReportIdentity.fileName` with its job's key. `published`
/// walks the same sequence of names to find a job's own earlier report: a job attempted again
/// after a crash between publishing and recording success completes without a second report.
package enum ReportPublication {
    /// The most names tried for one base (`BASE-100000`); past it publishing fails.
    package static let maxCandidates = 100_000

    /// The `n`th candidate name (1-based) for `base`.
    package static func candidate(_ base: String, _ n: Int) -> String {
        n == 1 ? base : base + "-\(n)"
    }

    /// The folder under `base`'s sequence that `identity` already published, if any. Stops at
    /// the first name that does not exist (a job publishes into the first free name, and
    /// published folders are never removed by Leuko).
    package static func published(base: String, identity: ReportIdentity) -> String? {
        for n in 1...maxCandidates {
            let folder = candidate(base, n)
            var st = stat()
            guard lstat(folder, &st) == 0 else { return nil }
            if st.st_mode & S_IFMT == S_IFDIR, identity.owns(folder) { return folder }
        }
        return nil
    }

    /// Renames the folder at `staging` to the first free name of `base`'s sequence; returns
    /// that name. Throws `ReportingError.outputDirectory` when no name can be taken.
    static func publish(staging: String, base: String) throws -> String {
        for n in 1...maxCandidates {
            let folder = candidate(base, n)
            if leuko_rename_noreplace(staging, folder) == 0 { return folder }
            let code = errno
            switch code {
            case EEXIST, ENOTEMPTY:
                continue
            case EINVAL, ENOSYS:
                // No RENAME_NOREPLACE here: claim the name with mkdir (fails if it exists),
                // then rename over the empty folder we own (rename refuses non-empty ones).
                if mkdir(folder, 0o700) != 0 {
                    if errno == EEXIST { continue }
                    throw ReportingError(.outputDirectory, path: folder, "cannot create the report folder: \(String(cString: strerror(errno)))")
                }
                if rename(staging, folder) == 0 { return folder }
                let failure = errno
                rmdir(folder)
                throw ReportingError(.outputDirectory, path: folder, "cannot rename the staged report into place: \(String(cString: strerror(failure)))")
            default:
                throw ReportingError(.outputDirectory, path: folder, "cannot rename the staged report into place: \(String(cString: strerror(code)))")
            }
        }
        throw ReportingError(.outputDirectory, path: base, "\(maxCandidates) report folders of this name exist already")
    }
}

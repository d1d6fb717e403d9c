import Reporting

/// Where and under which identity a job's report set is published, and the last checks before
/// it becomes visible (see `ReportPublication` for the naming rule).
package struct ReportDestination: Sendable {
    /// The first folder name tried (`OutputLocation`); later ones are `BASE-2`, `BASE-3`, ….
    package let base: String
    /// The job's identity: written into the folder, and the SR's instance UID derives from it.
    package let identity: ReportIdentity
    /// Applied to the staged folder before it is published (permissions and group), so the
    /// report appears with its final modes.
    package let prepare: @Sendable (String) throws -> Void
    /// Asked after staging, right before publishing: false when the job is no longer this
    /// worker's (cancelled, its lease taken over); the staged report is then thrown away.
    package let stillOwned: @Sendable () async -> Bool

    package init(base: String, identity: ReportIdentity,
                 prepare: @escaping @Sendable (String) throws -> Void = { _ in },
                 stillOwned: @escaping @Sendable () async -> Bool = { true }) {
        self.base = base; self.identity = identity; self.prepare = prepare; self.stillOwned = stillOwned
    }
}

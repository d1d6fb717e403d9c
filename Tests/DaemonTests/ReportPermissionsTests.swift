import Foundation
import Glibc
import Testing
import Daemon

@Suite struct ReportPermissionsTests {
    /// The name of this process's group (chgrp to it is always allowed).
    static var ownGroup: String { String(cString: getgrgid(getgid()).pointee.gr_name) }

    @Test func modesAndGroupAreAppliedToTheReportAndTheFoldersAbove() throws {
        let base = NSTemporaryDirectory() + "leuko-perm-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let report = base + "/out/sub/name"
        try FileManager.default.createDirectory(atPath: report + "/cells", withIntermediateDirectories: true)
        for file in ["report.json", "cells/001.png"] {
            try Data("x".utf8).write(to: URL(fileURLWithPath: report + "/" + file))
        }
        try FileManager.default.createSymbolicLink(atPath: report + "/link", withDestinationPath: "/etc/hostname")
        var configuration = Configuration(inboxes: ["/in"], outbox: base + "/out")
        configuration.reportGroup = Self.ownGroup
        configuration.reportFileMode = 0o640
        configuration.reportDirectoryMode = 0o750
        try ReportPermissions(configuration).apply(to: report, outbox: base + "/out")

        func mode(_ path: String) -> Int? { try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int }
        #expect(mode(report + "/report.json") == 0o640 && mode(report + "/cells/001.png") == 0o640)
        #expect(mode(report) == 0o750 && mode(report + "/cells") == 0o750 && mode(base + "/out/sub") == 0o750)
        #expect(mode(base + "/out") != nil)
        var st = stat()
        #expect(stat(report + "/report.json", &st) == 0 && st.st_gid == getgid())
    }

    @Test func anUnknownGroupIsAConfigurationError() {
        var configuration = Configuration(inboxes: ["/in"], outbox: "/out")
        configuration.reportGroup = "no-such-group-\(UInt32.random(in: 0...UInt32.max))"
        #expect { try ReportPermissions(configuration) } throws: { error in
            (error as? DaemonError)?.code == .configuration && "\(error)".contains("report_group")
        }
    }
}

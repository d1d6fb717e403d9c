import Analysis
import Foundation
import Testing
@testable import Reporting

/// The daemon's report identity rule: a folder of each job's own, never replaced nor merged
/// into, found again by the same job after a crash, with an SR instance UID fixed by the job.
@Suite struct ReportPublicationTests {
    private func publish(_ analysis: ImageAnalysis = ReportFixtures.analysis(), key: String, base: URL) throws -> String {
        try ReportWriter().stage(analysis, identity: ReportIdentity(key: key), base: base.path).publish()
    }

    private func listing(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test func eachJobGetsItsOwnFolderAndNothingIsReplaced() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let base = scratch.url.appendingPathComponent("sub/Image001")
        let first = try publish(key: "job/1", base: base)
        #expect(first == base.path)
        let firstJSON = try Data(contentsOf: URL(fileURLWithPath: first + "/report.json"))
        let fewer = ReportFixtures.analysis(cells: [ReportFixtures.cells[0]])
        let second = try publish(fewer, key: "job/2", base: base)
        let third = try publish(key: "job/3", base: base)
        #expect(second == base.path + "-2" && third == base.path + "-3")
        #expect(try Data(contentsOf: URL(fileURLWithPath: first + "/report.json")) == firstJSON, "the first report is untouched")
        #expect(try listing(URL(fileURLWithPath: first)).contains("cells"))
        #expect(try listing(URL(fileURLWithPath: second + "/cells")) == ["001.png"], "never merged with the first")
        #expect(try listing(base.deletingLastPathComponent()) == ["Image001", "Image001-2", "Image001-3"], "no staging left")
    }

    @Test func aFileOrForeignFolderInTheWayIsSkippedNotReplaced() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let base = scratch.url.appendingPathComponent("a_b")
        try FileManager.default.createDirectory(at: scratch.url, withIntermediateDirectories: true)
        try Data("a file of that name".utf8).write(to: base)
        try FileManager.default.createDirectory(atPath: base.path + "-2", withIntermediateDirectories: true)  // empty folder
        let folder = try publish(key: "job/9", base: base)
        #expect(folder == base.path + "-3")
        #expect(try String(contentsOf: base, encoding: .utf8) == "a file of that name")
        #expect(try listing(URL(fileURLWithPath: base.path + "-2")) == [])
    }

    @Test func aJobFindsTheReportItPublishedAndOnlyThatOne() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let base = scratch.url.appendingPathComponent("field")
        #expect(ReportPublication.published(base: base.path, identity: ReportIdentity(key: "job/1")) == nil)
        _ = try publish(key: "job/1", base: base)
        _ = try publish(key: "job/2", base: base)
        #expect(ReportPublication.published(base: base.path, identity: ReportIdentity(key: "job/1")) == base.path)
        #expect(ReportPublication.published(base: base.path, identity: ReportIdentity(key: "job/2")) == base.path + "-2")
        #expect(ReportPublication.published(base: base.path, identity: ReportIdentity(key: "job/3")) == nil)
    }

    @Test func theInstanceUIDFollowsTheJobNotTheRun() throws {
        var a = ReportFixtures.analysis()
        a.reportKey = "job/1"
        var b = a
        b.startedAt = a.startedAt.addingTimeInterval(60)  // a later attempt of the same job
        #expect(ReportIdentifiers(a).instanceUID == ReportIdentifiers(b).instanceUID)
        var other = a
        other.reportKey = "job/2"
        #expect(ReportIdentifiers(other).instanceUID != ReportIdentifiers(a).instanceUID)
        var unkeyed = b
        unkeyed.reportKey = nil
        var unkeyedLater = unkeyed
        unkeyedLater.startedAt = unkeyed.startedAt.addingTimeInterval(1)
        #expect(ReportIdentifiers(unkeyed).instanceUID != ReportIdentifiers(unkeyedLater).instanceUID, "leuko analyze: each run is new")
    }

    @Test func theJobIdentityTellsJobsInputsAndQueuesApart() {
        let a = ReportIdentity(job: 7, queue: "/var/lib/leuko/queue.sqlite", size: 10, mtimeNanoseconds: 5, contentHash: "ab")
        #expect(a == ReportIdentity(job: 7, queue: "/var/lib/leuko/queue.sqlite", size: 10, mtimeNanoseconds: 5, contentHash: "ab"))
        #expect(a != ReportIdentity(job: 8, queue: "/var/lib/leuko/queue.sqlite", size: 10, mtimeNanoseconds: 5, contentHash: "ab"))
        #expect(a != ReportIdentity(job: 7, queue: "/srv/other.sqlite", size: 10, mtimeNanoseconds: 5, contentHash: "ab"))
        #expect(a != ReportIdentity(job: 7, queue: "/var/lib/leuko/queue.sqlite", size: 10, mtimeNanoseconds: 5, contentHash: "cd"))
        #expect(ReportIdentity(job: 7, queue: "q", size: 10, mtimeNanoseconds: 5, contentHash: nil)
                != ReportIdentity(job: 7, queue: "q", size: 10, mtimeNanoseconds: 6, contentHash: nil))
        #expect(!a.key.contains("\n"))
    }
}

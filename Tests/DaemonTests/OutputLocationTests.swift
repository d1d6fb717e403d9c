import Testing
import Daemon

@Suite struct OutputLocationTests {
    @Test func mirrorsTheInboxFoldersAndDropsTheExtension() throws {
        #expect(try OutputLocation.reportDirectory(for: "/in/sub/dir/name.tif", inbox: "/in", outbox: "/out")
                == "/out/sub/dir/name")
        #expect(try OutputLocation.reportDirectory(for: "/in/a.b.png", inbox: "/in/", outbox: "/out/") == "/out/a.b")
        #expect(try OutputLocation.reportDirectory(for: "/in/README", inbox: "/in", outbox: "/out") == "/out/README")
    }

    @Test func aNameStartingWithACombiningMarkHasAReportFolder() throws {
        #expect(try OutputLocation.reportDirectory(for: "/in/sub/\u{301}x.tif", inbox: "/in", outbox: "/out")
                == "/out/sub/\u{301}x")
    }

    @Test func keepsTheExtensionWhenAnotherInputHasTheSameStem() throws {
        let dir = try OutputLocation.reportDirectory(for: "/in/x/name.tif", inbox: "/in", outbox: "/out",
                                                     siblings: ["name.tif", "name.png", "other.tif"])
        #expect(dir == "/out/x/name.tif")
        let alone = try OutputLocation.reportDirectory(for: "/in/x/name.tif", inbox: "/in", outbox: "/out",
                                                       siblings: ["name.tif", "other.tif"])
        #expect(alone == "/out/x/name")
    }

    @Test(arguments: [
        "/in/../etc/passwd.tif",
        "/in/a/../../b.tif",
        "/in/./x.tif",
        "/in/line\nbreak.tif",
        "/in/tab\there/\u{1B}[31mred.tif",
        "/in/..",
        "/in//double.tif",
    ])
    func noNameEscapesTheOutbox(input: String) throws {
        let dir = try OutputLocation.reportDirectory(for: input, inbox: "/in", outbox: "/out")
        #expect(dir.hasPrefix("/out/"))
        let parts = dir.dropFirst("/out/".count).split(separator: "/", omittingEmptySubsequences: false)
        #expect(!parts.contains("..") && !parts.contains(".") && !parts.contains(""), "\(parts)")
        #expect(!dir.unicodeScalars.contains { $0.properties.generalCategory == .control })
    }

    @Test func longNamesAreShortenedButStayDistinct() throws {
        let a = String(repeating: "é", count: 300) + "A.tif"
        let b = String(repeating: "é", count: 300) + "B.tif"
        let da = try OutputLocation.reportDirectory(for: "/in/" + a, inbox: "/in", outbox: "/out")
        let db = try OutputLocation.reportDirectory(for: "/in/" + b, inbox: "/in", outbox: "/out")
        #expect(da != db)
        for dir in [da, db] {
            let last = String(dir.split(separator: "/").last!)
            #expect(last.utf8.count <= 200 && last.utf8.count > 150)
        }
    }

    @Test func anInputOutsideTheInboxIsAnError() {
        #expect(throws: DaemonError.self) { try OutputLocation.reportDirectory(for: "/elsewhere/a.tif", inbox: "/in", outbox: "/out") }
        #expect(throws: DaemonError.self) { try OutputLocation.reportDirectory(for: "/inbox2/a.tif", inbox: "/in", outbox: "/out") }
        #expect(throws: DaemonError.self) { try OutputLocation.reportDirectory(for: "/in/", inbox: "/in", outbox: "/out") }
    }
}

import Testing
import FolderWatch

@Suite struct DirectoryScannerTests {
    @Test func visitsFilesSkipsIgnoredNamesAndNeverEntersSymlinks() throws {
        let tree = try TemporaryTree()
        try tree.write("a.tif", bytes: 3)
        try tree.write("sub/deeper/b.png", bytes: 5)
        try tree.write("sub/.c.tif.part")
        try tree.write(".hidden/d.tif")
        try tree.write("e.tmp")
        let outside = try TemporaryTree()
        try outside.write("secret.tif")
        try tree.symlink("link-out", to: outside.path)
        try tree.symlink("link-file", to: tree.at("a.tif"))

        var entered: [String] = [], visited: [String: FileStat] = [:], failures: [String] = []
        DirectoryScanner(ignore: try IgnoreRules()).scan(tree.path,
            enterDirectory: { entered.append($0) },
            visit: { visited[$0] = $1 },
            failure: { path, _ in failures.append(path) })

        #expect(Set(entered) == [tree.path, tree.at("sub"), tree.at("sub/deeper")])
        #expect(entered.first == tree.path)
        #expect(Set(visited.keys) == [tree.at("a.tif"), tree.at("sub/deeper/b.png"), tree.at("link-out"), tree.at("link-file")])
        #expect(visited[tree.at("a.tif")]?.size == 3 && visited[tree.at("a.tif")]?.kind == .regular)
        #expect(visited[tree.at("link-out")]?.kind == .symlink, "reported as a link, not entered")
        #expect(failures.isEmpty)
    }

    @Test func anUnlistableFolderIsReportedNotFatal() throws {
        var failures: [(String, String)] = []
        DirectoryScanner(ignore: try IgnoreRules()).scan("/nonexistent-\(UInt64.random(in: 0...UInt64.max))",
            enterDirectory: { _ in }, visit: { _, _ in }, failure: { failures.append(($0, $1)) })
        #expect(failures.count == 1 && failures[0].1.contains("No such file"))
    }
}

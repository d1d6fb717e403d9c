import Testing
import FolderWatch

@Suite struct IgnoreRulesTests {
    @Test func defaultsIgnoreHiddenPartialTemporaryAndBackupNames() throws {
        let rules = try IgnoreRules()
        for name in [".hidden", ".scan.tif.XXXX", "a.tif.part", "b.tmp", "~lock.tif", ".", ".."] {
            #expect(rules.ignores(name: name), "\(name)")
        }
        for name in ["slide.tif", "a.part.tif", "tmp", "x~.png", "field 01.jpg"] {
            #expect(!rules.ignores(name: name), "\(name)")
        }
        #expect(rules.ignores(path: "/inbox/sub/.partial"))
        #expect(!rules.ignores(path: "/inbox/.sub/a.tif"), "only the last component is matched")
    }

    @Test func customPatternsReplaceTheDefaults() throws {
        let rules = try IgnoreRules(patterns: ["*.xml", "thumbs.db"])
        #expect(rules.ignores(name: "meta.xml") && rules.ignores(name: "thumbs.db"))
        #expect(!rules.ignores(name: ".hidden"))
    }

    @Test func badPatternsAreErrorsNamingThePattern() {
        #expect { try IgnoreRules(patterns: ["ok", "a/b"]) } throws: { error in
            (error as? FolderWatchError)?.description.contains("'a/b'") == true
        }
        #expect(throws: FolderWatchError.self) { try IgnoreRules(patterns: [""]) }
    }
}

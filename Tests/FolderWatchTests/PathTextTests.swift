import Testing
import FolderWatch

/// Path arithmetic by bytes: a name that starts with a combining mark glues itself to the `/`
/// before it as one Swift Character, which Character-based `hasPrefix` and `split` miss.
@Suite struct PathTextTests {
    let mark = "/in/\u{301}x.png"

    @Test func aNameStartingWithACombiningMarkIsInsideItsFolder() {
        #expect(!mark.hasPrefix("/in/"), "the pitfall this type exists for")
        #expect(PathText.isInside(mark, "/in") && PathText.isInside(mark, "/in/") && PathText.isInside(mark, "/"))
        #expect(PathText.relative(mark, to: "/in") == "\u{301}x.png")
        #expect(PathText.components(mark) == ["in", "\u{301}x.png"])
        #expect(PathText.lastComponent(mark) == "\u{301}x.png")
    }

    @Test func foldersAreComparedWholeAndByBytes() {
        #expect(!PathText.isInside("/inbox/a.png", "/in"), "a sibling with a longer name")
        #expect(!PathText.isInside("/in", "/in"), "the folder itself")
        #expect(PathText.relative("/caf\u{E9}/a.png", to: "/cafe\u{301}") == nil, "NFC is not NFD on disk")
        #expect(PathText.relative("/a//b.png", to: "/a") == "/b.png")
        #expect(PathText.components("/a//b.png") == ["a", "b.png"])
    }
}

import Foundation
import Testing
import NN

/// The one JSON string quoting the safetensors header and the DICOM JSON report share: what is
/// escaped and how, what passes through, and that a JSON parser reads back the same text.
@Suite struct JSONTextTests {
    @Test func quotesAndBackslashesAreEscaped() {
        #expect(JSONText.quoted("") == #""""#)
        #expect(JSONText.quoted(#"say "hi""#) == #""say \"hi\"""#)
        #expect(JSONText.quoted(#"C:\dir\"#) == #""C:\\dir\\""#)
    }

    @Test func lineBreaksAndTabsUseTheirShortEscapes() {
        #expect(JSONText.quoted("a\nb\tc\rd") == #""a\nb\tc\rd""#)
        #expect(JSONText.quoted("\r\n") == #""\r\n""#)
    }

    @Test func otherControlCharactersAreWrittenAsUnicodeEscapes() {
        #expect(JSONText.quoted("\u{0}") == #""\u0000""#)
        #expect(JSONText.quoted("\u{1}x\u{1F}") == #""\u0001x\u001f""#)
        #expect(JSONText.quoted("\u{8}\u{C}\u{1B}[31m") == #""\u0008\u000c\u001b[31m""#, "no \\b or \\f short forms")
        #expect(JSONText.quoted("\u{7F}") == #""\u007f""#)
        #expect(JSONText.quoted("a\u{2028}b\u{2029}") == #""a\u2028b\u2029""#)
    }

    @Test func printableAndNonASCIITextPassesThrough() {
        let ascii = String((0x20...0x7E).map { Character(Unicode.Scalar(UInt8($0))) }.filter { $0 != "\"" && $0 != "\\" })
        #expect(JSONText.quoted(ascii) == "\"" + ascii + "\"")
        for text in ["Müller^Jörg", "好中球", "blood 🩸 drop", "\u{85}\u{A0}\u{2027}\u{202A}"] {
            #expect(JSONText.quoted(text) == "\"" + text + "\"")
        }
        #expect(Array(JSONText.quoted("é").utf8) == [0x22, 0xC3, 0xA9, 0x22], "as UTF-8 once encoded")
    }

    /// Every scalar below U+0100, the separators and a few beyond: a JSON parser gets the text back.
    @Test func aJSONParserReadsBackTheSameText() throws {
        var scalars = (0..<0x100).compactMap(Unicode.Scalar.init)
        scalars += [0x2028, 0x2029, 0xFFFD, 0x1F9EA].compactMap(Unicode.Scalar.init)
        let text = String(String.UnicodeScalarView(scalars))
        let json = "[" + JSONText.quoted(text) + "]"
        let back = try JSONDecoder().decode([String].self, from: Data(json.utf8))
        #expect(back == [text])
        #expect(Array(back[0].unicodeScalars) == scalars)
    }
}

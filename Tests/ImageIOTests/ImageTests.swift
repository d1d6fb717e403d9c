import Testing
import ImageIO

@Suite struct ImageTests {
    @Test func imageKeepsItsSamplesAndDepth() {
        let image = Image(width: 2, height: 1, channels: 3, samples: [1, 2, 3, 4, 5, 6])
        #expect(image.bitDepth == 8)
        #expect(image.samples8 == [1, 2, 3, 4, 5, 6])
        let deep = Image(width: 1, height: 1, channels: 1, samples16: [65535])
        #expect(deep.bitDepth == 16 && deep.samples16 == [65535])
    }
}

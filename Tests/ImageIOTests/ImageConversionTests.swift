import Testing
@testable import ImageIO

@Suite struct ImageConversionTests {
    @Test func rgb8FromEveryLayout() {
        let gray = Image(width: 2, height: 1, channels: 1, samples: [10, 200])
        #expect(gray.rgb8().samples8 == [10, 10, 10, 200, 200, 200])
        let grayAlpha = Image(width: 1, height: 1, channels: 2, samples: [7, 0])
        #expect(grayAlpha.rgb8().samples8 == [7, 7, 7])
        let rgba = Image(width: 1, height: 1, channels: 4, samples: [1, 2, 3, 4])
        #expect(rgba.rgb8().samples8 == [1, 2, 3] && rgba.rgb8().channels == 3)
        let deep = Image(width: 2, height: 1, channels: 3, samples16: [0, 65535, 257, 32768, 128, 65534])
        #expect(deep.rgb8().samples8 == [0, 255, 1, 128, 0, 255] && deep.rgb8().bitDepth == 8)
        let deepGray = Image(width: 1, height: 1, channels: 1, samples16: [514], pixelSpacing: PixelSpacing(x: 1, y: 2))
        #expect(deepGray.rgb8().samples8 == [2, 2, 2] && deepGray.rgb8().pixelSpacing == PixelSpacing(x: 1, y: 2))
        let rgb = Fixtures.noise(width: 3, height: 3, channels: 3)
        #expect(rgb.rgb8() == rgb)
    }

    @Test func cropKeepsDepthAndSpacing() {
        var image = Fixtures.noise(width: 7, height: 5, channels: 2, bitDepth: 16)
        image.pixelSpacing = PixelSpacing(x: 0.3, y: 0.3)
        let part = image.cropped(x: 2, y: 1, width: 4, height: 3)
        #expect(part.width == 4 && part.height == 3 && part.bitDepth == 16 && part.pixelSpacing == image.pixelSpacing)
        for y in 0..<3 { for x in 0..<4 { for c in 0..<2 {
            #expect(part.sample(x: x, y: y, channel: c) == image.sample(x: x + 2, y: y + 1, channel: c))
        } } }
    }

    /// Orientation 6 (rotate clockwise) then 8 (counter-clockwise) is the identity; 3 twice too;
    /// 6 moves the top-left pixel to the top-right.
    @Test func orientationsComposeAsRotations() {
        let image = Fixtures.noise(width: 5, height: 3, channels: 3)
        #expect(image.oriented(exif: 6).oriented(exif: 8) == image)
        #expect(image.oriented(exif: 3).oriented(exif: 3) == image)
        #expect(image.oriented(exif: 5).oriented(exif: 5) == image)
        let turned = image.oriented(exif: 6)
        #expect(turned.width == 3 && turned.height == 5)
        #expect(turned.sample(x: 2, y: 0, channel: 0) == image.sample(x: 0, y: 0, channel: 0))
        #expect(image.oriented(exif: 1) == image && image.oriented(exif: 9) == image)
    }
}

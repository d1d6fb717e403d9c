extension Image {
    /// This image turned upright according to an EXIF orientation tag (1-8): 2 mirror,
    /// 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 clockwise, 7 transverse, 8 rotate 90
    /// counter-clockwise. Orientations 5-8 swap width and height; other values change nothing.
    package func oriented(exif orientation: Int) -> Image {
        guard (2...8).contains(orientation) else { return self }
        let w = width, h = height, c = channels
        let swaps = orientation >= 5
        let ow = swaps ? h : w, oh = swaps ? w : h
        @inline(__always) func source(_ dx: Int, _ dy: Int) -> Int {
            let sx: Int, sy: Int
            switch orientation {
            case 2: sx = w - 1 - dx; sy = dy
            case 3: sx = w - 1 - dx; sy = h - 1 - dy
            case 4: sx = dx; sy = h - 1 - dy
            case 5: sx = dy; sy = dx
            case 6: sx = dy; sy = h - 1 - dx
            case 7: sx = w - 1 - dy; sy = h - 1 - dx
            default: sx = w - 1 - dy; sy = dx
            }
            return (sy * w + sx) * c
        }
        func remap<T>(_ src: [T], zero: T) -> [T] {
            var out = [T](repeating: zero, count: ow * oh * c)
            out.withUnsafeMutableBufferPointer { dst in
                src.withUnsafeBufferPointer { s in
                    for dy in 0..<oh {
                        for dx in 0..<ow {
                            let from = source(dx, dy), to = (dy * ow + dx) * c
                            for k in 0..<c { dst[to + k] = s[from + k] }
                        }
                    }
                }
            }
            return out
        }
        let spacing = swaps ? pixelSpacing.map { PixelSpacing(x: $0.y, y: $0.x) } : pixelSpacing
        if bitDepth == 8 {
            return Image(width: ow, height: oh, channels: c, samples: remap(samples8, zero: 0), pixelSpacing: spacing)
        }
        return Image(width: ow, height: oh, channels: c, samples16: remap(samples16, zero: 0), pixelSpacing: spacing)
    }
}

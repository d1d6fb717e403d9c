extension Image {
    /// The number of samples (width * height * channels).
    package var sampleCount: Int { width * height * channels }

    /// Sample `channel` of pixel (x, y) as a value in 0...maxValue (255 or 65535).
    package func sample(x: Int, y: Int, channel: Int) -> Int {
        let i = (y * width + x) * channels + channel
        return bitDepth == 8 ? Int(samples8[i]) : Int(samples16[i])
    }

    /// 255 for 8-bit images, 65535 for 16-bit.
    package var maxValue: Int { bitDepth == 8 ? 255 : 65535 }

    /// This image as 8-bit RGB: gray is replicated, alpha dropped (not composited), 16-bit
    /// samples rounded to 8 bits (v * 255 / 65535). Returns `self` when already 8-bit RGB.
    package func rgb8() -> Image {
        if bitDepth == 8 && channels == 3 { return self }
        let n = width * height
        var out = [UInt8](repeating: 0, count: n * 3)
        let c = channels
        out.withUnsafeMutableBufferPointer { dst in
            if bitDepth == 8 {
                samples8.withUnsafeBufferPointer { src in
                    for p in 0..<n {
                        let s = p * c
                        if c >= 3 {
                            dst[3 * p] = src[s]; dst[3 * p + 1] = src[s + 1]; dst[3 * p + 2] = src[s + 2]
                        } else {
                            let g = src[s]
                            dst[3 * p] = g; dst[3 * p + 1] = g; dst[3 * p + 2] = g
                        }
                    }
                }
            } else {
                samples16.withUnsafeBufferPointer { src in
                    @inline(__always) func to8(_ v: UInt16) -> UInt8 { UInt8((UInt32(v) * 255 + 32767) / 65535) }
                    for p in 0..<n {
                        let s = p * c
                        if c >= 3 {
                            dst[3 * p] = to8(src[s]); dst[3 * p + 1] = to8(src[s + 1]); dst[3 * p + 2] = to8(src[s + 2])
                        } else {
                            let g = to8(src[s])
                            dst[3 * p] = g; dst[3 * p + 1] = g; dst[3 * p + 2] = g
                        }
                    }
                }
            }
        }
        return Image(width: width, height: height, channels: 3, samples: out, pixelSpacing: pixelSpacing)
    }

    /// The rectangle (x, y, width, height), which must lie inside the image.
    package func cropped(x: Int, y: Int, width w: Int, height h: Int) -> Image {
        precondition(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= width && y + h <= height,
                     "crop rectangle outside the image")
        if x == 0 && y == 0 && w == width && h == height { return self }
        let c = channels
        if bitDepth == 8 {
            var out = [UInt8](repeating: 0, count: w * h * c)
            out.withUnsafeMutableBufferPointer { dst in
                samples8.withUnsafeBufferPointer { src in
                    for row in 0..<h {
                        let from = ((y + row) * width + x) * c
                        UnsafeMutableRawPointer(dst.baseAddress! + row * w * c)
                            .copyMemory(from: src.baseAddress! + from, byteCount: w * c)
                    }
                }
            }
            return Image(width: w, height: h, channels: c, samples: out, pixelSpacing: pixelSpacing)
        }
        var out = [UInt16](repeating: 0, count: w * h * c)
        out.withUnsafeMutableBufferPointer { dst in
            samples16.withUnsafeBufferPointer { src in
                for row in 0..<h {
                    let from = ((y + row) * width + x) * c
                    UnsafeMutableRawPointer(dst.baseAddress! + row * w * c)
                        .copyMemory(from: src.baseAddress! + from, byteCount: w * c * 2)
                }
            }
        }
        return Image(width: w, height: h, channels: c, samples16: out, pixelSpacing: pixelSpacing)
    }
}

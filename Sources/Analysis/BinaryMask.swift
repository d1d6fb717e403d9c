/// A binary raster (`true` = foreground), row-major, top row first.
///
/// The morphology used by candidate detection lives in extensions: dilation and erosion by
/// a disc (through the exact Euclidean distance transform, so any radius costs the same),
/// hole filling and connected components.
package struct BinaryMask: Sendable, Equatable {
    package let width: Int
    package let height: Int
    package var bits: [Bool]

    package init(width: Int, height: Int, fill: Bool = false) {
        self.width = width; self.height = height
        bits = [Bool](repeating: fill, count: width * height)
    }

    package init(width: Int, height: Int, bits: [Bool]) {
        precondition(bits.count == width * height, "mask size mismatch")
        self.width = width; self.height = height; self.bits = bits
    }

    /// Pixels of `plane` strictly above `threshold`.
    package init(_ plane: FloatPlane, above threshold: Float) {
        self.init(width: plane.width, height: plane.height, bits: plane.values.map { $0 > threshold })
    }

    package subscript(x: Int, y: Int) -> Bool {
        get { bits[y * width + x] }
        set { bits[y * width + x] = newValue }
    }

    package var count: Int { bits.reduce(0) { $0 + ($1 ? 1 : 0) } }

    package func inverted() -> BinaryMask { BinaryMask(width: width, height: height, bits: bits.map { !$0 }) }

    package func and(_ o: BinaryMask) -> BinaryMask {
        BinaryMask(width: width, height: height, bits: zip(bits, o.bits).map { $0 && $1 })
    }

    package func or(_ o: BinaryMask) -> BinaryMask {
        BinaryMask(width: width, height: height, bits: zip(bits, o.bits).map { $0 || $1 })
    }

    /// Intersection over union with another mask of the same size (0 when both are empty).
    package func iou(_ o: BinaryMask) -> Double {
        var inter = 0, uni = 0
        for i in 0..<bits.count {
            if bits[i] && o.bits[i] { inter += 1 }
            if bits[i] || o.bits[i] { uni += 1 }
        }
        return uni == 0 ? 0 : Double(inter) / Double(uni)
    }

    /// Dilation by a disc of `radius` pixels (Euclidean): pixels within `radius` of the set.
    package func dilated(by radius: Double) -> BinaryMask {
        guard radius > 0 else { return self }
        if radius < 1.4 { return crossDilated() }
        let d = DistanceTransform.squared(to: self)
        let r2 = Float(radius * radius)
        return BinaryMask(width: width, height: height, bits: d.values.map { $0 <= r2 })
    }

    /// Dilation by the radius-1 disc (the pixel and its 4 neighbours), without a distance
    /// transform.
    private func crossDilated() -> BinaryMask {
        var out = bits
        let w = width, h = height
        bits.withUnsafeBufferPointer { b in
            out.withUnsafeMutableBufferPointer { o in
                for y in 0..<h {
                    for x in 0..<w where !b[y * w + x] {
                        let i = y * w + x
                        o[i] = (x > 0 && b[i - 1]) || (x < w - 1 && b[i + 1]) || (y > 0 && b[i - w]) || (y < h - 1 && b[i + w])
                    }
                }
            }
        }
        return BinaryMask(width: w, height: h, bits: out)
    }

    /// Erosion by a disc of `radius` pixels: pixels farther than `radius` from the background.
    /// Outside the image counts as foreground (the border does not erode).
    package func eroded(by radius: Double) -> BinaryMask {
        guard radius > 0 else { return self }
        return inverted().dilated(by: radius).inverted()
    }

    /// Opening (erosion then dilation): removes specks thinner than the disc.
    package func opened(by radius: Double) -> BinaryMask { eroded(by: radius).dilated(by: radius) }

    /// Closing (dilation then erosion): bridges gaps narrower than the disc.
    package func closed(by radius: Double) -> BinaryMask { dilated(by: radius).eroded(by: radius) }

    /// Fills holes: background regions not connected (4-neighbourhood) to the image border.
    package func holesFilled() -> BinaryMask {
        var outside = [Bool](repeating: false, count: bits.count)
        var stack: [Int] = []
        func push(_ i: Int) { if !bits[i] && !outside[i] { outside[i] = true; stack.append(i) } }
        for x in 0..<width { push(x); push((height - 1) * width + x) }
        for y in 0..<height { push(y * width); push(y * width + width - 1) }
        while let i = stack.popLast() {
            let x = i % width, y = i / width
            if x > 0 { push(i - 1) }
            if x < width - 1 { push(i + 1) }
            if y > 0 { push(i - width) }
            if y < height - 1 { push(i + width) }
        }
        return BinaryMask(width: width, height: height, bits: outside.map { !$0 })
    }
}

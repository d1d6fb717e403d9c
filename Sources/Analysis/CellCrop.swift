/// A crop ready for the network: 4 planar channels of `size` x `size` Float.
///
/// Layout `[4, size, size]`, channel-major: 0-2 the stain-normalised R, G, B in [0, 1]
/// (outside the image: 1, white glass), 3 the saliency prior in [0, 1] (outside: 0).
/// `geometry` maps it back to the image. Converting to a `Tensor` is the model's business.
package struct CellCrop: Sendable, Equatable {
    package let geometry: CropGeometry
    package var data: [Float]

    package var size: Int { geometry.size }
    package static let channels = 4

    package init(geometry: CropGeometry, data: [Float]) {
        precondition(data.count == CellCrop.channels * geometry.size * geometry.size, "crop data size mismatch")
        self.geometry = geometry; self.data = data
    }

    /// Sample of channel c at output pixel (u, v).
    package subscript(c: Int, u: Int, v: Int) -> Float {
        get { data[(c * size + v) * size + u] }
        set { data[(c * size + v) * size + u] = newValue }
    }

    /// The RGB part as a raster (e.g. to write a PNG).
    package func rgb() -> RGBRaster {
        let n = size * size
        return RGBRaster(width: size, height: size, r: Array(data[0..<n]), g: Array(data[n..<2 * n]),
                         b: Array(data[2 * n..<3 * n]))
    }

    /// The prior channel as a plane.
    package func prior() -> FloatPlane {
        let n = size * size
        return FloatPlane(width: size, height: size, values: Array(data[3 * n..<4 * n]))
    }
}

/// What a file's header says, read without decoding the pixels.
///
/// `width`, `height`, `channels` and `bitDepth` describe the `Image` that `ImageReader.read`
/// returns (after palette expansion, CMYK to RGB, EXIF orientation), for the page it reads by
/// default (`page`: the full-resolution page of a multi-page or pyramidal TIFF). `pages`
/// lists every page of a TIFF (one entry for other formats). Tile sizes are for tiled TIFFs.
package struct ImageInfo: Sendable, Equatable, Codable {
    package var path: String
    package var format: ImageFormat
    package var width: Int
    package var height: Int
    package var channels: Int
    package var bitDepth: Int
    /// How the file stores colour: "gray", "gray+alpha", "rgb", "rgba", "palette", "cmyk", "ycbcr".
    package var colour: String
    /// Codec inside the container: "none", "lzw", "deflate", "jpeg", "packbits" (TIFF);
    /// "deflate" (PNG), "baseline"/"progressive" (JPEG), "none"/"bitfields" (BMP).
    package var compression: String
    package var tileWidth: Int?
    package var tileHeight: Int?
    package var rowsPerStrip: Int?
    package var pixelSpacing: PixelSpacing?
    /// Index into `pages` of the page read by default.
    package var page: Int
    package var pages: [PageInfo]
    /// TIFF only: 64-bit offsets.
    package var bigTIFF: Bool?
    /// PNG only: Adam7 interlacing.
    package var interlaced: Bool?
    /// JPEG only: the EXIF orientation tag (1-8) that `read` applies.
    package var orientation: Int?
    /// BMP only: rows stored bottom row first.
    package var bottomUp: Bool?
}

/// One page (TIFF directory) of a file: its size and storage.
package struct PageInfo: Sendable, Equatable, Codable {
    package var index: Int
    package var width: Int
    package var height: Int
    package var channels: Int
    package var bitDepth: Int
    package var compression: String
    package var tileWidth: Int?
    package var tileHeight: Int?
    /// TIFF NewSubfileType says this page is a reduced-resolution copy (pyramid level, thumbnail).
    package var reduced: Bool
}

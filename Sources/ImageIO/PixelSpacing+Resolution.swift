extension PixelSpacing {
    /// Micrometres per pixel from a resolution in pixels per `unitMicrometres` (25,400 for an
    /// inch, 10,000 for a centimetre, 1,000,000 for a metre).
    ///
    /// Returns nil for missing or non-positive values and for exactly 72 or 96 pixels per
    /// inch: those are the defaults that software writes when it knows no physical size, and
    /// taking them literally (353 µm per pixel) would wreck any size-based cell measurement.
    static func fromResolution(x: Double, y: Double, unitMicrometres: Double) -> PixelSpacing? {
        guard x.isFinite, y.isFinite, x > 0, y > 0, unitMicrometres > 0 else { return nil }
        let inch = 25_400.0
        for dpi in [72.0, 96.0] {
            let perUnit = dpi * unitMicrometres / inch
            if abs(x - perUnit) < 0.01 * perUnit, abs(y - perUnit) < 0.01 * perUnit { return nil }
        }
        return PixelSpacing(x: unitMicrometres / x, y: unitMicrometres / y)
    }
}

import ImageIO

extension FieldLocalizer {
    /// Localisation of one window of a slide tile under slide-level statistics: the window's
    /// pixels are normalised through `lookup` (no per-window estimation), candidates are
    /// detected with the calibration's threshold, smallest area and reference area; the
    /// saliency prior and cell regions are built as for a field. The result's coordinates
    /// are the window's (`rect` within `image`). Stages timed: "normalize", "candidates",
    /// "saliency".
    package func run(window rect: TilePlan.Rect, of image: Image, lookup: StainLookup,
                     calibration: SlideCalibration, timer: inout StageTimer) -> Result {
        let (normalized, nucleus) = timer.time("normalize") { lookup.window(image, rect) }
        return locate(normalized: normalized, stains: calibration.estimate, nucleus: nucleus, timer: &timer) {
            detector.detect($0, threshold: calibration.threshold, minArea: calibration.minArea,
                            areaReference: calibration.areaReference, normalized: normalized)
        }
    }
}

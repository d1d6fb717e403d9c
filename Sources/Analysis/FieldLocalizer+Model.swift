import CellModel

extension FieldLocalizer {
    /// The localiser whose crops a trained model expects: the default pipeline, with the
    /// stain residual kept when the model was trained so (`ModelFile.keepsStainResidual`).
    package init(for model: ModelFile) {
        self.init()
        normalizer.keepsResidual = model.keepsStainResidual
    }
}

/// The network's answer for one crop.
package struct CropPrediction: Sendable {
    /// Raw class logits (before temperature scaling); empty without a classification head.
    package let logits: [Float]
    /// Calibrated class probabilities, `softmax(logits / T)`.
    package let probabilities: [Float]
    /// Per-pixel labels at the crop's resolution (0 background, 1 cytoplasm, 2 nucleus);
    /// empty without a segmentation head.
    package let segmentation: [UInt8]
    /// Grad-CAM of the predicted class at the crop's resolution, in [0, 1]; empty without
    /// both heads.
    package let gradCAM: [Float]
    /// Share of the Grad-CAM mass inside the predicted cell (see `GradCAM.consistency`).
    package let consistency: Float?
    /// Share of the Grad-CAM mass on the predicted nucleus (`GradCAM.nucleusEvidence`): where
    /// a technologist looks to type a cell; nil without both heads.
    package var nucleusEvidence: Float? = nil
    /// How much the test-time views agree (`TestTimeViews.agreement`: the overlap of each
    /// further view's calibrated class distribution with the upright view's, averaged; 1 when
    /// they are the same); nil with one view.
    package var viewAgreement: Float? = nil

    package init(logits: [Float], probabilities: [Float], segmentation: [UInt8], gradCAM: [Float], consistency: Float?,
                 nucleusEvidence: Float? = nil, viewAgreement: Float? = nil) {
        self.logits = logits
        self.probabilities = probabilities
        self.segmentation = segmentation
        self.gradCAM = gradCAM
        self.consistency = consistency
        self.nucleusEvidence = nucleusEvidence
        self.viewAgreement = viewAgreement
    }

    /// Index of the most probable class (-1 without a classification head).
    package var predictedClass: Int { probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? -1 }

    /// Probability of the predicted class.
    package var confidence: Float { predictedClass >= 0 ? probabilities[predictedClass] : 0 }

    /// Probability of the predicted class minus the runner-up's (the confidence itself with one
    /// class; 0 without a classification head).
    package var margin: Float {
        guard predictedClass >= 0 else { return 0 }
        let others = probabilities.indices.filter { $0 != predictedClass }.map { probabilities[$0] }
        return confidence - (others.max() ?? 0)
    }
}

import NN
import Tensor

/// The multi-task loss of SG-CLDFF for one batch: forward, every loss term, backward.
///
/// Terms (each weighted by `LossSettings`, each skipped when its weight is 0, its head is
/// absent, or no sample in the batch has its label): class cross-entropy, segmentation
/// cross-entropy + Dice, gate BCE against the cell coverage, and the CAM alignment term.
/// `step` leaves the parameter gradients in `Parameter.grad` (added, so callers zero them).
package struct TrainingObjective {
    package let settings: LossSettings

    package init(settings: LossSettings) { self.settings = settings }

    /// The value of each term on one batch, and their weighted total.
    package struct Losses: Codable, Sendable, Equatable {
        package var classification: Float = 0
        package var segmentation: Float = 0
        package var dice: Float = 0
        package var gate: Float = 0
        package var alignment: Float = 0
        package var total: Float = 0
    }

    /// Runs forward and backward on `batch`; returns the losses and the network's outputs.
    @discardableResult
    package func step(_ network: SGCLDFFNetwork, _ batch: TrainingBatch) -> (Losses, SGCLDFFNetwork.Outputs) {
        let outputs = network.forward(batch.input)
        let profile = OpProfile.shared
        var losses = Losses()
        var dClass: Tensor?, dSegmentation: Tensor?, dGate: Tensor?, dFused: Tensor?
        let labelled = batch.classes.map { $0 != TrainingBatch.ignore }

        if let logits = outputs.classLogits, settings.classification > 0, labelled.contains(true) {
            let weights = settings.classWeights.map { Tensor(shape: [$0.count], values: $0) }
            let loss = CrossEntropyLoss(classWeights: weights, labelSmoothing: settings.labelSmoothing,
                                        ignoreIndex: TrainingBatch.ignore)
            (losses.classification, dClass) = profile.measure("loss_class", .backward) {
                (loss.forward(logits, targets: batch.classes), loss.backward(scale: settings.classification))
            }
        }
        if let logits = outputs.segmentationLogits, batch.hasSegmentationTargets {
            if settings.segmentationCrossEntropy > 0 {
                let loss = CrossEntropyLoss(ignoreIndex: TrainingBatch.ignore)
                (losses.segmentation, dSegmentation) = profile.measure("loss_segmentation", .backward) {
                    (loss.forward(logits, targets: batch.segmentation), loss.backward(scale: settings.segmentationCrossEntropy))
                }
            }
            if settings.segmentationDice > 0 {
                let loss = DiceLoss(ignoreIndex: TrainingBatch.ignore)
                let (value, d) = profile.measure("loss_dice", .backward) {
                    (loss.forward(logits, targets: batch.segmentation), loss.backward(scale: settings.segmentationDice))
                }
                losses.dice = value
                if let dSegmentation { dSegmentation.add(d) } else { dSegmentation = d }
            }
        }
        if let logits = outputs.gateLogits, settings.gateBCE > 0, batch.hasMask.contains(true) {
            let plane = logits.count / batch.count
            let mask = Tensor(zeros: logits.shape)
            for i in 0..<batch.count where batch.hasMask[i] { (mask.data + i * plane).update(repeating: 1, count: plane) }
            let loss = BCEWithLogitsLoss()
            (losses.gate, dGate) = profile.measure("loss_gate", .backward) {
                (loss.forward(logits, targets: batch.cellCoverage, mask: mask), loss.backward(scale: settings.gateBCE))
            }
        }
        if let head = network.classificationHead, settings.alignment > 0, labelled.contains(true) {
            let loss = CAMAlignmentLoss(contrastive: settings.contrastiveAlignment ?? false)
            let classes = batch.classes.map { max($0, 0) }
            let (value, gradients) = profile.measure("loss_alignment", .backward) {
                (loss.forward(fused: outputs.fused, weights: head.fusedWeights(), region: batch.allowedRegion,
                              classes: classes, mask: labelled),
                 loss.backward(scale: settings.alignment))
            }
            losses.alignment = value
            dFused = gradients.dFused
            head.addFusedWeightGradient(gradients.dWeights)
        }
        losses.total = settings.classification * losses.classification
            + settings.segmentationCrossEntropy * losses.segmentation + settings.segmentationDice * losses.dice
            + settings.gateBCE * losses.gate + settings.alignment * losses.alignment
        network.backward(dSegmentation: dSegmentation, dClass: dClass, dGateLogits: dGate, dFused: dFused)
        return (losses, outputs)
    }
}

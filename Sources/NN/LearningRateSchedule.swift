#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// Learning rate as a function of the optimizer step: linear warm-up, then cosine decay.
///
/// Step `s` is 0-based (the rate used for the `s`-th update). During warm-up
/// (`s < warmupSteps`) the rate rises linearly from `base / warmupSteps` to `base`; then it
/// follows `floor + (base - floor) * (1 + cos(pi * progress)) / 2`, with `progress` going
/// from 0 at the end of warm-up to 1 at `totalSteps`, and stays at `floor` after that.
package struct CosineSchedule: Sendable, Equatable {
    package let baseRate: Float
    package let floorRate: Float
    package let warmupSteps: Int
    package let totalSteps: Int

    package init(baseRate: Float, warmupSteps: Int, totalSteps: Int, floorRate: Float = 0) {
        precondition(warmupSteps >= 0 && totalSteps >= warmupSteps, "CosineSchedule: need 0 <= warmup <= total")
        precondition(baseRate >= floorRate && floorRate >= 0, "CosineSchedule: need base >= floor >= 0")
        self.baseRate = baseRate
        self.floorRate = floorRate
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    /// The learning rate for 0-based step `step`.
    package func rate(at step: Int) -> Float {
        if step < warmupSteps { return baseRate * Float(step + 1) / Float(warmupSteps) }
        let span = totalSteps - warmupSteps
        guard span > 0 else { return floorRate }
        let progress = min(1, Double(step - warmupSteps) / Double(span))
        let cosine = 0.5 * (1 + cos(Double.pi * progress))
        return floorRate + Float(Double(baseRate - floorRate) * cosine)
    }
}

extension Duration {
    /// The duration in seconds as a Double (for logs and arithmetic with intervals).
    package var seconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) * 1e-18
    }
}

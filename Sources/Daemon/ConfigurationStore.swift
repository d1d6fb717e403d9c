import Foundation

/// The configuration in force, replaced on reload (SIGHUP); services read `current` when they
/// start a unit of work and subscribe to `changes()` to restart what depends on it (the
/// watcher, the number of workers).
package actor ConfigurationStore {
    package private(set) var current: Configuration
    private var subscribers: [UUID: AsyncStream<Configuration>.Continuation] = [:]

    package init(_ configuration: Configuration) { current = configuration }

    /// Replaces the configuration and tells every subscriber.
    package func update(_ configuration: Configuration) {
        current = configuration
        for subscriber in subscribers.values { subscriber.yield(configuration) }
    }

    /// Each later `update`, newest only if the consumer lags.
    package func changes() -> AsyncStream<Configuration> {
        let (stream, continuation) = AsyncStream.makeStream(of: Configuration.self, bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        subscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        return stream
    }

    private func unsubscribe(_ id: UUID) { subscribers[id] = nil }
}

import Foundation

/// Recycles large tensor buffers so training and batched inference do not page-fault on
/// every step.
///
/// A network allocates the same sizes of activation and gradient tensors every step. Fresh
/// large blocks come from `mmap`, and the kernel faults in and zeroes every page again (about
/// a fifth of a training step's time before this pool). Buffers of at least `minimumBytes`
/// are kept on release, by exact rounded size, up to `capacityBytes` in total, and handed out
/// again (their contents are stale: `Tensor.init(zeros:)` clears them). Thread-safe (one lock;
/// acquire/release are rare next to the work on the buffers).
package final class TensorBufferPool: @unchecked Sendable {
    package static let shared = TensorBufferPool()

    package let minimumBytes = 1 << 20
    package var capacityBytes = 3 << 30
    package init() {}

    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private var pooledBytes = 0
    private let lock = NSLock()

    /// Byte count a request is rounded to (whole 64 KiB units for pooled sizes).
    package func roundedSize(_ bytes: Int) -> Int {
        bytes < minimumBytes ? bytes : (bytes + 65_535) & ~65_535
    }

    /// A 64-byte aligned buffer of at least `bytes`, recycled when one of that size is free.
    package func acquire(_ bytes: Int) -> UnsafeMutableRawPointer {
        let size = roundedSize(bytes)
        if size >= minimumBytes {
            lock.lock()
            if let buffer = free[size]?.popLast() {
                pooledBytes -= size
                lock.unlock()
                return buffer
            }
            lock.unlock()
        }
        return UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
    }

    /// Returns a buffer obtained from `acquire(bytes)`.
    package func release(_ buffer: UnsafeMutableRawPointer, bytes: Int) {
        let size = roundedSize(bytes)
        if size >= minimumBytes {
            lock.lock()
            if pooledBytes + size <= capacityBytes {
                free[size, default: []].append(buffer)
                pooledBytes += size
                lock.unlock()
                return
            }
            lock.unlock()
        }
        buffer.deallocate()
    }

    /// Frees every pooled buffer (e.g. after training, before a long idle period).
    package func drain() {
        lock.lock()
        let buffers = free.values.flatMap { $0 }
        free = [:]
        pooledBytes = 0
        lock.unlock()
        for buffer in buffers { buffer.deallocate() }
    }
}

/// A job attempt's failure as the processor throws it: the error as it was thrown (which
/// `FailureClass` sorts) and a message naming the input.
package struct AttemptError: Error, CustomStringConvertible {
    package let underlying: any Error
    package let message: String

    package init(_ underlying: any Error, message: String) {
        self.underlying = underlying
        self.message = message
    }

    package var description: String { message }
}

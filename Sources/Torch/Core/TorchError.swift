import CTorch

/// An error raised by libtorch for an operation (a shape, dtype or device mismatch, an index
/// out of range...), carrying libtorch's own message.
public struct TorchError: Error, CustomStringConvertible, Sendable {
    /// libtorch's message, without its C++ backtrace.
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// Runs `body` so that a failing tensor operation inside it is thrown as a `TorchError`
/// instead of stopping the process.
///
/// Operations are not marked `throws` (so `a + b` stays an expression); inside this scope a
/// failed operation returns a placeholder tensor, later operations on placeholders fail
/// quietly, and the first error is thrown when the scope ends. Outside any scope a failure
/// stops the process with libtorch's message and the Swift backtrace.
public func withTorchErrors<T>(_ body: () throws -> T) throws -> T {
    ct_capture_begin()
    let result: T
    do {
        result = try body()
    } catch {
        _ = ct_capture_end()
        throw error
    }
    if let message = ct_capture_end() {
        throw TorchError(String(cString: message))
    }
    return result
}

/// Stops the process after a failed call outside `withTorchErrors`, with libtorch's message.
func torchFailure(_ operation: String) -> Never {
    let message = String(cString: ct_last_error())
    fatalError("Torch error in \(operation): \(message)")
}

/// Checks the status of a CTorch call that returns one.
@inline(__always)
func check(_ status: Int32, _ operation: @autoclosure () -> String) {
    if status < 0 { torchFailure(operation()) }
}

/// Reports a bad argument found on the Swift side: thrown at the end of a `withTorchErrors`
/// scope (the caller then goes on with a placeholder), or stops the process outside one.
func argumentError(_ operation: String, _ message: String) {
    if !ct_record_error("\(operation): \(message)") {
        fatalError("Torch error in \(operation): \(message)")
    }
}

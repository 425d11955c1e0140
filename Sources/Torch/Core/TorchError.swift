import CTorch

/// An error raised by libtorch for an operation (a shape, dtype or device mismatch, an index
/// out of range...), carrying libtorch's own message.
public struct TorchError: Error, CustomStringConvertible, Sendable {
    /// libtorch's message, without its C++ backtrace (an operator's starts with its name).
    public let message: String
    /// The call stack where the operation failed (return addresses, innermost first), when known.
    public let frames: [UInt]

    public init(_ message: String, frames: [UInt] = []) { (self.message, self.frames) = (message, frames) }

    public var description: String { message }

    /// `file:line` of the caller's code that made the failing call, outside swift-lightning
    /// itself (found from `frames` with `llvm-symbolizer`; nil without it or debug information).
    public var callerLine: String? { SourceLocator.callerLine(frames) }
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
        var frames = [UnsafeMutableRawPointer?](repeating: nil, count: 64)
        let count = Int(ct_capture_frames(&frames, 64))
        throw TorchError(String(cString: message), frames: frames.prefix(count).map { UInt(bitPattern: $0) })
    }
    return result
}

/// Stops the process after a failed call outside `withTorchErrors`, with libtorch's message.
func torchFailure(_ operation: String) -> Never {
    let message = String(cString: ct_last_error())
    // Operators' messages start with the operator's name (`aten::add.Tensor: ...`).
    fatalError(message.hasPrefix("aten::") ? "Torch error in \(message)" : "Torch error in \(operation): \(message)")
}

/// Checks the status of a CTorch call that returns one.
@inline(__always)
func check(_ status: Int32, _ operation: @autoclosure () -> String) {
    if status < 0 { torchFailure(operation()) }
}

/// Reports a bad argument found on the Swift side (by a layer, a metric, your own module) as a
/// failing operation is reported: thrown at the end of a `withTorchErrors` scope (the caller
/// then goes on with a placeholder), or stops the process outside one.
public func argumentError(_ operation: String, _ message: String) {
    if !ct_record_error("\(operation): \(message)") {
        fatalError("Torch error in \(operation): \(message)")
    }
}

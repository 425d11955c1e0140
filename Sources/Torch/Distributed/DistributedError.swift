import CTorch

/// A failed rendezvous or collective (a peer that died, a timeout, a mismatch between ranks),
/// with c10d's message.
public struct DistributedError: Error, CustomStringConvertible, Sendable {
    /// What failed and why.
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// The error of the CTorch call that just failed.
    static func last(_ operation: String) -> DistributedError {
        DistributedError("\(operation): \(String(cString: ct_last_error()))")
    }
}

/// Throws the last CTorch error when a distributed call reports failure.
func distributedCheck(_ status: Int32, _ operation: @autoclosure () -> String) throws {
    if status < 0 { throw DistributedError.last(operation()) }
}

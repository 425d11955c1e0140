/// A file that cannot be read or written as a tensor file: missing, truncated, corrupt or
/// not in the expected format.
public struct SerializationError: Error, CustomStringConvertible, Sendable {
    /// The file concerned.
    public let path: String
    /// What is wrong with it.
    public let reason: String

    public init(path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// A dataset file that is missing or not in the expected format.
public struct DatasetFileError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// A command line or config file the CLI cannot run, with what was wrong and where.
public enum CLIError: Error, CustomStringConvertible, Equatable {
    /// A key no config section has, with the nearest valid one.
    case unknownKey(String, suggestion: String?)
    /// A value of the wrong type or out of range.
    case invalidValue(String, String)
    /// A config file that cannot be read or parsed.
    case badConfigFile(String, String)
    /// A flag without a value, or an argument that is not `--key value`.
    case badArgument(String)

    public var description: String {
        switch self {
        case .unknownKey(let key, let suggestion):
            return "unknown key '\(key)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
        case .invalidValue(let key, let message): return "invalid value for '\(key)': \(message)"
        case .badConfigFile(let path, let message): return "cannot use config file \(path): \(message)"
        case .badArgument(let message): return message
        }
    }
}

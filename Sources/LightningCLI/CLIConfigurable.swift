import Lightning

/// A model's or data module's hyper-parameters, as a value the CLI fills from config files and
/// flags (`--model.lr 3e-4`): every stored property is a key, its initial value the default.
public protocol CLIConfig: Codable {
    init()
}

/// A model or data module the CLI builds from its hyper-parameters: a `Configurable` whose
/// configuration has defaults (`init()`), which flags and config files then change.
public protocol CLIConfigurable: Configurable where Config: CLIConfig {}

/// The no-argument config, for a data module or model that takes no hyper-parameters.
public struct NoConfig: CLIConfig {
    public init() {}
}

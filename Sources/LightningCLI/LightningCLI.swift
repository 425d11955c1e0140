import ArgumentParser
import Foundation
import Lightning
import Torch
import Yams

/// What to run (`LightningCLI`'s subcommands).
public enum CLISubcommand: String, CaseIterable, ExpressibleByArgument, Sendable {
    case fit, validate, test, predict
}

/// The fixed part of the command line; `--section.key value` overrides are parsed by the CLI.
struct CLIArguments: ParsableCommand {
    /// Usage lines and help name the program as it was started.
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: URL(fileURLWithPath: CommandLine.arguments.first ?? "lightning").lastPathComponent)
    }

    @Argument(help: "fit, validate, test or predict")
    var subcommand: CLISubcommand
    @Option(name: .customLong("config"), help: "A YAML config file; repeat to merge several, later ones win.")
    var configs: [String] = []
    @Flag(name: [.customLong("print-config"), .customLong("print_config")], help: "Print the resolved config as YAML and exit.")
    var printConfig = false
    @Argument(parsing: .allUnrecognized, help: "--trainer.KEY VALUE, --model.KEY VALUE, --data.KEY VALUE, --seed_everything N, --ckpt_path PATH")
    var overrides: [String] = []
}

/// Lightning's `LightningCLI`: a training program's command line in a few lines.
///
///     try LightningCLI(LitMNIST.self, MNISTData.self).main()
///
/// gives `fit`, `validate`, `test` and `predict`, every Trainer argument as `--trainer.max_epochs 5`
/// (snake_case or camelCase), the model's and data module's hyper-parameters as `--model.lr 3e-4`
/// and `--data.batch_size 64`, YAML config files (`--config a.yaml --config b.yaml`, merged in
/// order, flags last), and `--print-config` for the full resolved config. An unknown key is an
/// error naming the nearest valid one.
public struct LightningCLI<Batch, Model: LightningModule<Batch> & CLIConfigurable, Data: LightningDataModule<Batch> & CLIConfigurable> {
    /// Trainer arguments that replace Lightning's defaults for this program (`trainer_defaults`).
    public var trainerDefaults: [String: Any]
    /// Callbacks every run gets.
    public var callbacks: () -> [Callback]
    /// Where printed output goes.
    public var printer: (String) -> Void

    public init(_ model: Model.Type, _ datamodule: Data.Type, trainerDefaults: [String: Any] = [:],
                callbacks: @escaping () -> [Callback] = { [] }, printer: @escaping (String) -> Void = { print($0) }) {
        (self.trainerDefaults, self.callbacks, self.printer) = (trainerDefaults, callbacks, printer)
    }

    /// What a run produced.
    public struct Result {
        public let subcommand: CLISubcommand
        public let trainer: Trainer?
        public let model: Model?
        public let datamodule: Data?
        /// The test or validation metrics, or nothing.
        public let metrics: [String: Double]
        /// Predictions, for `predict`.
        public let predictions: [Tensor]
        /// The resolved config, as `--print-config` prints it.
        public let config: String
    }

    /// Runs the command line (without the program name) and returns what it produced; on an
    /// error prints it and exits the process (2 for a bad command line or config, 1 otherwise).
    @discardableResult
    public func main(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Result? {
        do {
            return try run(arguments)
        } catch let error as CLIError {
            FileHandle.standardError.write(Foundation.Data("error: \(error)\n".utf8))
            exit(2)
        } catch {
            FileHandle.standardError.write(Foundation.Data("error: \(error)\n".utf8))
            exit(1)
        }
    }

    /// Parses `arguments`, resolves the config and runs the subcommand.
    @discardableResult
    public func run(_ arguments: [String]) throws -> Result {
        let parsed: CLIArguments
        do {
            parsed = try CLIArguments.parse(arguments)
        } catch {
            let message = CLIArguments.message(for: error)
            if CLIArguments.exitCode(for: error) == .success {
                printer(CLIArguments.helpMessage())
                exit(0)
            }
            throw CLIError.badArgument(message + "\nusage: " + CLIArguments.usageString())
        }
        var sections = try defaults()
        for path in parsed.configs { try merge(file: path, into: &sections) }
        try merge(overrides: parsed.overrides, into: &sections)
        let yaml = try render(sections)
        if parsed.printConfig {
            printer(yaml)
            return Result(subcommand: parsed.subcommand, trainer: nil, model: nil, datamodule: nil, metrics: [:], predictions: [],
                          config: yaml)
        }
        if let seed = sections["seed_everything"]?["value"] as? Int { seedEverything(UInt64(seed)) }
        let model = Model(config: try decode(Model.Config.self, sections["model"]!, section: "model"))
        let data = Data(config: try decode(Data.Config.self, sections["data"]!, section: "data"))
        let options: TrainerOptions
        do {
            options = try TrainerOptions(config: sections["trainer"]!)
        } catch let error as TrainerOptions.ConfigError {
            throw CLIError.invalidValue("trainer.\(error.key)", "expected \(error.expected), got \(error.got)")
        }
        let trainer = try Trainer(options: options, callbacks: callbacks())
        trainer.printer = { [printer] text in if trainer.isGlobalZero { printer(text) } }
        let ckpt = (sections["ckpt_path"]?["value"] as? String).map { text -> CheckpointPath in
            switch text {
            case "last": return .last
            case "best": return .best
            case "auto": return .auto
            default: return .path(text)
            }
        }
        var metrics: [String: Double] = [:]
        var predictions: [Tensor] = []
        switch parsed.subcommand {
        case .fit: try trainer.fit(model, datamodule: data, ckptPath: ckpt)
        case .validate: metrics = try trainer.validate(model, datamodule: data, ckptPath: ckpt)
        case .test: metrics = try trainer.test(model, datamodule: data, ckptPath: ckpt)
        case .predict: predictions = try trainer.predict(model, datamodule: data, ckptPath: ckpt)
        }
        return Result(subcommand: parsed.subcommand, trainer: trainer, model: model, datamodule: data, metrics: metrics,
                      predictions: predictions, config: yaml)
    }

    // MARK: resolution

    /// Sections with snake_case keys: trainer, model, data, and the one-value seed_everything and ckpt_path.
    private func defaults() throws -> [String: [String: Any]] {
        var trainer = Dictionary(uniqueKeysWithValues: TrainerOptions().config.map { ($0.key, $0.value) })
        for (key, value) in trainerDefaults {
            let snake = ConfigKeys.snakeCase(ConfigKeys.camelCase(key))
            guard trainer[snake] != nil else {
                throw CLIError.unknownKey("trainer.\(key)", suggestion: ConfigKeys.nearest(snake, in: TrainerOptions.fields.map(\.key)).map { "trainer.\($0)" })
            }
            trainer[snake] = value
        }
        return ["trainer": trainer, "model": try encode(Model.Config()), "data": try encode(Data.Config()),
                "seed_everything": ["value": NSNull()], "ckpt_path": ["value": NSNull()]]
    }

    /// A config's properties (snake_case) and default values; nil optionals become null.
    private func encode<C: CLIConfig>(_ config: C) throws -> [String: Any] {
        var values: [String: Any] = [:]
        for child in Mirror(reflecting: config).children {
            guard let label = child.label else { continue }
            let mirror = Mirror(reflecting: child.value)
            let value: Any = mirror.displayStyle == .optional ? (mirror.children.first?.value ?? NSNull()) : child.value
            values[ConfigKeys.snakeCase(label)] = value
        }
        return values
    }

    private func decode<C: CLIConfig>(_ type: C.Type, _ values: [String: Any], section: String) throws -> C {
        let camel = Dictionary(uniqueKeysWithValues: values.map { (ConfigKeys.camelCase($0.key), $0.value) })
        do {
            return try JSONDecoder().decode(C.self, from: JSONSerialization.data(withJSONObject: camel))
        } catch let DecodingError.typeMismatch(expected, context), let DecodingError.valueNotFound(expected, context) {
            let key = context.codingPath.map { ConfigKeys.snakeCase($0.stringValue) }.joined(separator: ".")
            throw CLIError.invalidValue("\(section).\(key)", "expected \(expected)")
        }
    }

    /// Sets `section.key` (both spelled either way) after checking the key exists.
    private func set(_ path: String, _ value: Any, in sections: inout [String: [String: Any]]) throws {
        let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
        let section = ConfigKeys.snakeCase(ConfigKeys.camelCase(parts[0]))
        if parts.count == 1 {
            guard sections[section]?["value"] != nil, section == "seed_everything" || section == "ckpt_path" else {
                let valid = ["seed_everything", "ckpt_path"] + ["trainer", "model", "data"].flatMap { s in sections[s]!.keys.map { "\(s).\($0)" } }
                throw CLIError.unknownKey(path, suggestion: ConfigKeys.nearest(section, in: valid))
            }
            sections[section]!["value"] = value
            return
        }
        guard sections[section] != nil, ["trainer", "model", "data"].contains(section) else {
            throw CLIError.unknownKey(path, suggestion: ConfigKeys.nearest(section, in: ["trainer", "model", "data"]).map { "\($0).\(parts[1])" })
        }
        let key = ConfigKeys.snakeCase(ConfigKeys.camelCase(parts[1]))
        guard sections[section]![key] != nil else {
            throw CLIError.unknownKey(path, suggestion: ConfigKeys.nearest(key, in: Array(sections[section]!.keys)).map { "\(section).\($0)" })
        }
        sections[section]![key] = value
    }

    private func merge(file path: String, into sections: inout [String: [String: Any]]) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CLIError.badConfigFile(path, "it cannot be read (\(error.localizedDescription))")
        }
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: text)
        } catch {
            throw CLIError.badConfigFile(path, "it is not valid YAML: \(error)")
        }
        guard let root = loaded as? [String: Any] else {
            if loaded == nil { return }
            throw CLIError.badConfigFile(path, "the top level must be a mapping of trainer, model, data, seed_everything, ckpt_path")
        }
        for (section, content) in root {
            if let mapping = content as? [String: Any] {
                for (key, value) in mapping { try set("\(section).\(key)", value, in: &sections) }
            } else {
                try set(section, content, in: &sections)
            }
        }
    }

    private func merge(overrides: [String], into sections: inout [String: [String: Any]]) throws {
        var rest = overrides[...]
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw CLIError.badArgument("expected --section.key VALUE, got '\(argument)'")
            }
            var key = String(argument.dropFirst(2))
            let text: String
            if let eq = key.firstIndex(of: "=") {
                text = String(key[key.index(after: eq)...])
                key = String(key[..<eq])
            } else {
                guard let next = rest.popFirst() else { throw CLIError.badArgument("--\(key) needs a value") }
                text = next
            }
            try set(key, Self.scalar(text), in: &sections)
        }
    }

    /// A flag's value read as YAML reads a scalar: 5 is an integer, 3e-4 and 1.0 floats, true a Bool, null nothing.
    static func scalar(_ text: String) -> Any {
        guard let value = try? Yams.load(yaml: text), value is Int || value is Double || value is Bool || value is String else {
            return ["null", "~", "None"].contains(text) ? NSNull() : text
        }
        return value
    }

    /// The config as YAML, sections and keys sorted, numbers written as people write them.
    private func render(_ sections: [String: [String: Any]]) throws -> String {
        func scalar(_ value: Any) throws -> String {
            switch value {
            case is NSNull: return "null"
            case let b as Bool: return b ? "true" : "false"
            case let i as Int: return String(i)
            case let d as Double:
                let text = String(d)
                guard !text.contains(".") else { return text }
                return text.contains("e") ? text.replacingOccurrences(of: "e", with: ".0e") : text + ".0"
            case let s as String: return try Yams.dump(object: s).trimmingCharacters(in: .whitespacesAndNewlines)
            default: return try Yams.dump(object: value).trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        var lines: [String] = []
        for name in sections.keys.sorted() {
            let values = sections[name]!
            if values.count == 1, let value = values["value"] {
                lines.append("\(name): \(try scalar(value))")
                continue
            }
            lines.append("\(name):")
            for key in values.keys.sorted() { lines.append("  \(key): \(try scalar(values[key]!))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

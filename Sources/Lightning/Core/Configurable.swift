import Foundation
import Torch

/// A module or data module built from one configuration value (its hyper-parameters), said
/// once: LightningCLI fills it from flags and YAML files, `saveHyperparameters(from: config)` records
/// it in checkpoints and `hparams.yaml`, and `loadFromCheckpoint` rebuilds the module from it.
public protocol Configurable {
    associatedtype Config: Codable
    init(config: Config)
}

extension LightningModuleBase {
    /// The hyper-parameters by name (`self.hparams`).
    public var hparams: [String: StateValue] { Dictionary(hyperparameters, uniquingKeysWith: { $1 }) }

    /// Records every stored property of `config` as a hyper-parameter, under Lightning's
    /// snake_case names (`save_hyperparameters()`). Values JSON cannot hold are left out.
    public func saveHyperparameters<C: Encodable>(from config: C) {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(config),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            if let value = StateValue(json: value) { saveHyperparameters([key: value]) }
        }
    }
}

extension Configurable where Self: LightningModuleBase {
    /// Rebuilds a module from a checkpoint (`load_from_checkpoint`): its configuration from the
    /// saved hyper-parameters, changed by `overrides`, then its weights (`strict`: every key must
    /// match), moved to `mapLocation` when given.
    ///
    ///     let model = try LitClassifier.loadFromCheckpoint("epoch=9-step=790.ckpt") { $0.lr = 1e-4 }
    public static func loadFromCheckpoint(_ path: String, mapLocation: Device? = nil, strict: Bool = true,
                                          overrides: (inout Config) -> Void = { _ in }) throws -> Self {
        let checkpoint = try Trainer.readCheckpoint(path)
        let saved = checkpoint["hyper_parameters"]?.dictValue ?? []
        var object: [String: Any] = [:]
        for (key, value) in saved {
            if let key = key.stringValue, let json = value.jsonObject { object[key] = json }
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var config: Config
        do {
            config = try decoder.decode(Config.self, from: JSONSerialization.data(withJSONObject: object))
        } catch let DecodingError.keyNotFound(key, _) {
            throw TrainerError.misconfiguration(
                "\(path) has no hyper-parameter \(key.stringValue) for \(Config.self); record the configuration with saveHyperparameters(from: config) in \(Self.self).init(config:)")
        } catch {
            throw TrainerError.misconfiguration("\(path)'s hyper-parameters do not make a \(Config.self): \(error)")
        }
        overrides(&config)
        let model = Self(config: config)
        try model.loadStateDict(checkpoint["state_dict"]!.stateDictValue!, strict: strict)
        if let mapLocation { _ = model.to(device: mapLocation) }
        model.onLoadCheckpoint(checkpoint)
        return model
    }
}

extension StateValue {
    /// A value of a JSON object from `JSONSerialization` (numbers keep their kind: bool, int or float).
    init?(json: Any) {
        switch json {
        case is NSNull: self = .none
        case let number as NSNumber:
            switch String(cString: number.objCType) {
            case "c", "B": self = .bool(number.boolValue)
            case "d", "f": self = .double(number.doubleValue)
            default: self = .int(number.intValue)
            }
        case let text as String: self = .string(text)
        case let array as [Any]:
            let values = array.compactMap(StateValue.init(json:))
            guard values.count == array.count else { return nil }
            self = .list(values)
        case let object as [String: Any]:
            var pairs: [(String, StateValue)] = []
            for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                guard let value = StateValue(json: value) else { return nil }
                pairs.append((key, value))
            }
            self = .dict(pairs)
        default: return nil
        }
    }

    /// The value as `JSONSerialization` takes it (nil for tensors).
    var jsonObject: Any? {
        switch self {
        case .none: return NSNull()
        case .bool(let b): return b
        case .int(let i): return i
        case .double(let d): return d
        case .string(let s): return s
        case .tensor: return nil
        case .list(let values), .tuple(let values):
            let objects = values.compactMap(\.jsonObject)
            return objects.count == values.count ? objects : nil
        case .dict(let pairs):
            var object: [String: Any] = [:]
            for (key, value) in pairs {
                guard let key = key.stringValue, let json = value.jsonObject else { return nil }
                object[key] = json
            }
            return object
        }
    }
}

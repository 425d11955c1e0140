import Foundation
import Lightning
import Torch

/// Images in one folder per class (`torchvision.datasets.ImageFolder`): `root/<class>/<file>`,
/// classes in sorted order numbered from 0, files of `extensions` sorted within each class.
/// A sample is the image (decoded in `mode`, then `transform`ed) and its class index as an
/// int64 scalar, ready for `collate: .pair`; decoding happens when a sample is read, on the
/// `DataLoader`'s worker threads. A file that cannot be decoded fails the batch that reads it
/// with the file's path and the reason.
public struct ImageFolder: Dataset {
    public let root: String
    /// The class names (the folder names), in index order.
    public let classes: [String]
    /// Each class name's index.
    public let classToIndex: [String: Int]
    /// Every image file and its class index.
    public let samples: [(path: String, label: Int)]
    public let mode: ImageReadMode
    public let transform: (any Transform)?

    public init(root: String, transform: (any Transform)? = nil, extensions: Set<String> = ["jpg", "jpeg", "png"],
                mode: ImageReadMode = .rgb) throws {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: root, isDirectory: &isFolder), isFolder.boolValue else {
            throw ImageError(source: root, message: "no such folder")
        }
        let classes = try fm.contentsOfDirectory(atPath: root).filter { name in
            var folder: ObjCBool = false
            return !name.hasPrefix(".") && fm.fileExists(atPath: "\(root)/\(name)", isDirectory: &folder) && folder.boolValue
        }.sorted()
        guard !classes.isEmpty else { throw ImageError(source: root, message: "holds no class folders") }
        var samples: [(String, Int)] = []
        for (label, name) in classes.enumerated() {
            guard let walker = fm.enumerator(atPath: "\(root)/\(name)") else { continue }
            let files = walker.compactMap { $0 as? String }
                .filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
            samples += files.map { ("\(root)/\(name)/\($0)", label) }
        }
        guard !samples.isEmpty else {
            throw ImageError(source: root, message: "holds no files with extensions \(extensions.sorted()) in its class folders")
        }
        self.root = root
        self.classes = classes
        classToIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        self.samples = samples
        (self.mode, self.transform) = (mode, transform)
    }

    public var count: Int { samples.count }

    /// The image at `index`, transformed, and its class index; throws when it cannot be decoded.
    public func load(_ index: Int) throws -> (image: Tensor, label: Int) {
        let (path, label) = samples[index]
        let image = try readImage(path, mode: mode)
        return (transform.map { $0(image) } ?? image, label)
    }

    public subscript(index: Int) -> (Tensor, Tensor) {
        do {
            let (image, label) = try load(index)
            return (image, Tensor(Int64(label)))
        } catch {
            argumentError("ImageFolder", "\(error)")
            return (Tensor.zeros([0]), Tensor(Int64(samples[index].label)))
        }
    }
}

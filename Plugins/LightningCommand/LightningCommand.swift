import Foundation
import PackagePlugin

/// `swift package lightning <command>`: swift-lightning's commands for the packages that depend on
/// it, as Lightning's `lightning` command line is for Python projects.
///
/// - `setup-libtorch`: puts libtorch where swift-lightning's manifest finds it (once per machine).
/// - `bundle --product NAME`: a self-contained folder of an executable, for machines without Swift.
///
/// Each command is a script in swift-lightning's `scripts/` folder, run in the package's folder.
@main
struct LightningCommand: CommandPlugin {
    /// The commands, each the name of its script.
    static let commands = ["bundle", "setup-libtorch"]

    func performCommand(context: PluginContext, arguments: [String]) async throws {
        guard let command = arguments.first, Self.commands.contains(command) else {
            throw CommandError("usage: swift package lightning <\(Self.commands.joined(separator: "|"))> [options]; "
                + "add --help after a command for its options")
        }
        guard let lightning = Self.find(context.package) else {
            throw CommandError("swift-lightning is not among this package's dependencies")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [lightning.directoryURL.appendingPathComponent("scripts/\(command)").path] + arguments.dropFirst()
        process.currentDirectoryURL = context.package.directoryURL
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CommandError("\(command) failed (exit status \(process.terminationStatus))") }
    }

    /// swift-lightning in the package graph: the package itself or one of its dependencies.
    static func find(_ package: Package) -> Package? {
        if package.displayName == "swift-lightning" { return package }
        return package.dependencies.lazy.compactMap { find($0.package) }.first
    }
}

/// A failure the command reports in one sentence.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

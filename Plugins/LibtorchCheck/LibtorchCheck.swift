import Foundation
import PackagePlugin

/// Stops a build of CTorch before any C++ is compiled when libtorch or Gloo's headers are
/// missing, with one sentence that says what to run, instead of a header error from deep inside
/// the dependency. It looks in the places Package.swift puts on the search paths, in its order.
@main
struct LibtorchCheck: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let environment = ProcessInfo.processInfo.environment
        let root = context.package.directoryURL.path
        let version = ((try? String(contentsOfFile: root + "/scripts/torch-version", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let userData = environment["XDG_DATA_HOME"] ?? environment["HOME"].map { $0 + "/.local/share" }
        let places = [environment["LIBTORCH"].flatMap { $0.isEmpty ? nil : $0 }, root + "/.libtorch", userData.map { "\($0)/swift-lightning/torch-\(version)/libtorch" }]
        let exists = { (path: String) in FileManager.default.fileExists(atPath: path) }
        if !places.contains(where: { $0.map { exists($0 + "/include/ATen/core/Tensor.h") } ?? false }) {
            Diagnostics.error("libtorch was not found: run `swift package lightning setup-libtorch` in your package "
                + "(or `make setup` in swift-lightning's checkout), or set LIBTORCH=/path/to/libtorch, then build again")
        } else if !exists("/usr/include/gloo/config.h") {
            Diagnostics.error("Gloo's headers were not found: run `swift package lightning setup-libtorch` "
                + "(it installs Debian's libgloo-dev), then build again")
        }
        return []
    }
}

import Foundation
import Torch
import XCTest

/// The project's root folder (where Package.swift is).
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// What a finished child process printed and how it ended.
public struct ProcessResult {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs a program to completion, capturing its output.
public func runProcess(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs one of the oracle scripts in Tests/Oracle with the project's Python (which has torch).
public func runOracle(_ script: String, _ arguments: [String]) throws -> String {
    let python = packageRoot + "/.venv/bin/python"
    let result = try runProcess(python, [packageRoot + "/Tests/Oracle/" + script] + arguments)
    guard result.status == 0 else {
        throw NSError(domain: "oracle", code: Int(result.status),
                      userInfo: [NSLocalizedDescriptionKey: "\(script) failed: \(result.stderr)"])
    }
    return result.stdout
}

/// A fresh temporary folder for one test.
public func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "swift-lightning-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Runs an oracle script that writes one safetensors file, and reads that file back.
public func oracleReference(_ script: String) -> (tensors: [String: Tensor], metadata: [String: String]) {
    let path = NSTemporaryDirectory() + "swift-lightning-\(script)-\(getpid()).safetensors"
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
        _ = try runOracle(script, [path])
        return try Safetensors.load(path)
    } catch {
        fatalError("cannot compute the PyTorch reference with \(script): \(error)")
    }
}

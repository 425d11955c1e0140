import Foundation
import TestSupport
import Torch
import XCTest

/// Every example program runs end to end with a tiny budget (the binaries `swift build` makes).
final class ExamplesTests: XCTestCase {
    func run(_ example: String, _ arguments: [String]) throws -> ProcessResult {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(example).path
        let dir = try temporaryDirectory()
        let common = ["--trainer.default_root_dir", dir, "--trainer.enable_progress_bar", "false"]
        let result = try runProcess(binary, ["fit"] + arguments + common)
        XCTAssertEqual(result.status, 0, "\(example): \(result.stderr)")
        return result
    }

    func testMNISTTrainsWellAboveChanceOnGeneratedShapes() throws {
        let out = try run("example-mnist", ["--trainer.max_epochs", "1", "--data.samples", "3000"]).stdout
        let accuracy = out.split(separator: "\n").last { $0.hasPrefix("final:") }.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
        XCTAssertGreaterThan(try XCTUnwrap(accuracy, out), 0.5, "10 classes: chance is 0.1")
    }

    func testCharGPTTrainsAndGenerates() throws {
        let out = try run("example-chargpt", ["--trainer.max_steps", "5"]).stdout
        XCTAssertTrue(out.contains("--- generated ---"), out)
        XCTAssertTrue(out.contains("final: train_loss"), out)
    }

    func testDDPExampleTrainsOnTwoProcesses() throws {
        let result = try run("example-ddp", ["--trainer.max_steps", "3"])
        XCTAssertTrue(result.stderr.contains("rank 1 of 2"), result.stderr)
        XCTAssertTrue(result.stdout.contains("--- generated on rank 0 ---"), result.stdout)
    }

    /// Lightning's CIFAR-10 baseline on generated images, on two processes in bf16 from the command line.
    func testCIFARExampleTrainsOnTwoProcessesInBf16() throws {
        let result = try run("example-cifar", ["--trainer.max_steps", "2", "--data.samples", "240", "--data.num_workers", "1",
                                               "--trainer.devices", "2", "--trainer.strategy", "ddp",
                                               "--trainer.precision", "bf16-mixed", "--trainer.limit_val_batches", "1"])
        XCTAssertTrue(result.stderr.contains("rank 1 of 2"), result.stderr)
        XCTAssertTrue(result.stdout.contains("final: val_loss"), result.stdout)
    }

    func testAMPExampleUsesMixedPrecisionAndAccumulation() throws {
        let out = try run("example-amp", ["--trainer.max_epochs", "1", "--data.samples", "600", "--trainer.precision", "16-mixed"]).stdout
        XCTAssertTrue(out.contains("final: val_loss"), out)
    }

    func testGANExampleStepsTwoOptimizersAndRunsItsCallback() throws {
        let out = try run("example-gan", ["--trainer.max_epochs", "2"]).stdout
        XCTAssertTrue(out.contains("epoch 1: mean radius"), out)
    }

    /// Two backward passes a step need DDP's search for unused parameters, as in Lightning.
    func testGANExampleTrainsOnTwoProcesses() throws {
        let result = try run("example-gan", ["--trainer.max_epochs", "1", "--trainer.devices", "2",
                                             "--trainer.strategy", "ddp_find_unused_parameters_true"])
        XCTAssertTrue(result.stderr.contains("rank 1 of 2"), result.stderr)
        XCTAssertTrue(result.stdout.contains("epoch 0: mean radius"), result.stdout)
    }

    /// A Fabric loop on two processes: each trains on its share and the test accuracy is summed over both.
    func testFabricExampleTrainsOnTwoProcesses() throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("example-fabric").path
        let dir = try temporaryDirectory()
        let result = try runProcess(binary, ["--epochs", "2", "--samples", "1200", "--devices", "2", "--strategy", "ddp",
                                             "--save", dir + "/net.ckpt"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("rank 1 of 2"), result.stderr)
        let accuracy = result.stdout.split(separator: "\n").last { $0.hasPrefix("test:") }.flatMap { $0.split(separator: " ").last }
            .flatMap { Double($0) }
        XCTAssertGreaterThan(try XCTUnwrap(accuracy, result.stdout), 0.3, "10 classes: chance is 0.1")
        XCTAssertEqual(try TorchFile.load(dir + "/net.ckpt")["model"]?.stateDictValue?.keys.sorted().first, "conv1.bias")
    }

    func testABadFlagIsACleanError() throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("example-mnist").path
        let result = try runProcess(binary, ["fit", "--trainer.max_epoch", "1"])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "error: unknown key 'trainer.max_epoch'; did you mean 'trainer.max_epochs'?\n")
    }

    /// torchrun starts a native program with `--no-python`; its agent hosts the store every rank joins.
    func testTorchrunRunsAnExampleOnTwoProcesses() throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("example-mnist").path
        let dir = try temporaryDirectory()
        let port = String(Int.random(in: 30000..<40000))
        let result = try runProcess(packageRoot + "/.venv/bin/torchrun", [
            "--no-python", "--nproc_per_node", "2", "--master_port", port, binary, "fit", "--trainer.devices", "2",
            "--trainer.strategy", "ddp", "--trainer.max_epochs", "1", "--data.samples", "600", "--trainer.enable_progress_bar", "false",
            "--trainer.default_root_dir", dir,
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("rank 1 of 2 (node 0, local rank 1), store 127.0.0.1:\(port), torchrun launch"), result.stderr)
        XCTAssertFalse(result.stderr.contains("failed to bind"), result.stderr)
        XCTAssertTrue(result.stdout.contains("final: val_loss"), result.stdout)
    }

    func testAnInvalidHyperparameterEndsTheRunWithAnError() throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("example-mnist").path
        let result = try runProcess(binary, ["fit", "--model.lr", "-1", "--trainer.default_root_dir", try temporaryDirectory()])
        XCTAssertEqual(result.status, 1, "a thrown error, not a crash")
        XCTAssertTrue(result.stderr.hasSuffix("error: configureOptimizers() of LitCNN failed: AdamW: Invalid learning rate: -1.0\n"), result.stderr)
    }

    func testTheUsageLineNamesTheProgram() throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("example-mnist").path
        let result = try runProcess(binary, [])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "error: Missing expected argument '<subcommand>'\n"
            + "usage: example-mnist <subcommand> [--config <config> ...] [--print-config] [<overrides> ...]\n")
    }
}

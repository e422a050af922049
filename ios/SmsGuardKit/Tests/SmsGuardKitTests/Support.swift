import Foundation
import XCTest

/// Paths ios/test.sh passes in (the chroot starts with an empty environment).
enum Env {
    static func path(_ name: String) throws -> String {
        guard let v = ProcessInfo.processInfo.environment[name], !v.isEmpty else {
            throw XCTSkip("\(name) is not set: run the suite through ios/test.sh")
        }
        return v
    }

    /// A fresh empty directory for one test.
    static func scratchDirectory(_ name: String = #function) throws -> URL {
        let base = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("smsguardkit-tests-\(getpid())", isDirectory: true)
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let dir = base.appendingPathComponent(safe + "-" + UUID().uuidString.prefix(8), isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// Runs the smsguard CLI (the same source as the library) and returns its stdout.
@discardableResult
func runCLI(_ args: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: try Env.path("SMSGUARD_CLI"))
    p.arguments = args
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    _ = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    // The command line is not printed: it holds test messages and numbers.
    guard p.terminationStatus == 0 else {
        throw CLIFailure(subcommand: args.first ?? "", status: p.terminationStatus)
    }
    return String(decoding: data, as: UTF8.self)
}

struct CLIFailure: Error, CustomStringConvertible {
    let subcommand: String
    let status: Int32
    var description: String { "smsguard \(subcommand) exited with \(status)" }
}

/// One line of target/bindings/expected.tsv (bindings/examples/expected.rs): what the Rust
/// engine said about a shared test vector.
struct Expected {
    let id, sender, body, action, category: String
    let scoreBits: UInt32
    let senderKind: String
    let consent: String?
    let codes: [String]
    let signature: String?
    let explainJSON: String
    let subcategory: String?

    static func load() throws -> [Expected] {
        let text = try String(contentsOfFile: try Env.path("SMSGUARD_EXPECTED"), encoding: .utf8)
        // Split on bytes, not Characters: a tab followed by a combining mark is one Character.
        return try text.utf8.split(separator: UInt8(ascii: "\n")).map { line in
            let f = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
                .map { unescape(String(decoding: $0, as: UTF8.self)) }
            guard f.count == 12, let bits = UInt32(f[5], radix: 16) else {
                throw CLIFailure(subcommand: "expected.tsv: malformed line", status: Int32(f.count))
            }
            return Expected(
                id: f[0], sender: f[1], body: f[2], action: f[3], category: f[4], scoreBits: bits,
                senderKind: f[6], consent: f[7].isEmpty ? nil : f[7],
                codes: f[8].isEmpty ? [] : f[8].split(separator: ",").map(String.init),
                signature: f[9].isEmpty ? nil : f[9], explainJSON: f[10],
                subcategory: f[11].isEmpty ? nil : f[11])
        }
    }

    private static func unescape(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var it = s.unicodeScalars.makeIterator()
        while let c = it.next() {
            guard c == "\\", let n = it.next() else { out.append(c); continue }
            switch n {
            case "t": out.append("\t")
            case "n": out.append("\n")
            case "r": out.append("\r")
            default: out.append(n)
            }
        }
        return String(out)
    }
}

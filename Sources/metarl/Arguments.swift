import Foundation
import Collectives

/// A mistake in how the command was called: exit status 2, with the command's usage.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// A failure while doing the work (bad file contents, numerical trouble): exit status 1.
struct RuntimeError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// The command line of one subcommand, consumed as it is parsed.
///
/// Options are `--name value` or `--name=value`; flags are `--name`. A command takes what it knows
/// and then calls `finish()`, which rejects whatever is left, naming it: unknown flags are never
/// ignored. Take options and flags before positionals: until `--steps` is consumed, its value
/// looks like a positional argument.
struct Arguments {
    private var tokens: [String]
    /// The processes this command runs on: one, unless `metarl train` was started by an MPI launcher.
    var world: any Communicator = SingleProcess()

    init(_ tokens: [String]) { self.tokens = tokens }

    var isEmpty: Bool { tokens.isEmpty }

    /// True when `--help` or `-h` is present (anywhere).
    var wantsHelp: Bool { tokens.contains("--help") || tokens.contains("-h") }

    /// Removes and returns the value of `--name`; nil when absent. Repeating it is an error.
    mutating func option(_ name: String) throws -> String? {
        var value: String?
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            var found: String?
            if token == "--\(name)" {
                guard i + 1 < tokens.count, !tokens[i + 1].hasPrefix("--") else {
                    throw UsageError("option --\(name) needs a value")
                }
                found = tokens[i + 1]
                tokens.removeSubrange(i...(i + 1))
            } else if token.hasPrefix("--\(name)=") {
                found = String(token.dropFirst(name.count + 3))
                tokens.remove(at: i)
            } else {
                i += 1
                continue
            }
            if value != nil { throw UsageError("option --\(name) given more than once") }
            value = found
        }
        return value
    }

    /// Removes `--name` and says whether it was there.
    mutating func flag(_ name: String) -> Bool {
        let before = tokens.count
        tokens.removeAll { $0 == "--\(name)" }
        return tokens.count != before
    }

    mutating func int(_ name: String, range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let text = try option(name) else { return nil }
        guard let value = Int(text) else { throw UsageError("option --\(name): expected an integer, found '\(text)'") }
        if let range, !range.contains(value) {
            throw UsageError("option --\(name): \(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    mutating func double(_ name: String) throws -> Double? {
        guard let text = try option(name) else { return nil }
        guard let value = Double(text), value.isFinite else {
            throw UsageError("option --\(name): expected a finite number, found '\(text)'")
        }
        return value
    }

    /// A seed: any 64-bit unsigned integer (negative integers are taken modulo 2⁶⁴).
    mutating func seed(_ name: String = "seed") throws -> UInt64? {
        guard let text = try option(name) else { return nil }
        guard let value = parseSeed(text) else { throw UsageError("option --\(name): expected an integer seed, found '\(text)'") }
        return value
    }

    /// Removes and returns the next positional argument (not starting with "--"); nil if none.
    mutating func positional() -> String? {
        guard let i = tokens.firstIndex(where: { !$0.hasPrefix("--") }) else { return nil }
        return tokens.remove(at: i)
    }

    mutating func requiredPositional(_ what: String) throws -> String {
        guard let value = positional() else { throw UsageError("missing \(what)") }
        return value
    }

    /// Fails on anything not consumed, naming it.
    func finish() throws {
        guard let first = tokens.first else { return }
        if first.hasPrefix("-") { throw UsageError("unknown option '\(first)'") }
        throw UsageError("unexpected argument '\(first)'")
    }
}

/// A seed from text: any 64-bit unsigned integer, or a negative one taken modulo 2⁶⁴.
func parseSeed(_ text: String) -> UInt64? {
    UInt64(text) ?? Int64(text).map { UInt64(bitPattern: $0) }
}

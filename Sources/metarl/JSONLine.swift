/// One JSON object on one line, keys in the order given, numbers round-trippable.
/// Commands end with such a line so scripts can read their result with `tail -1`.
struct JSONLine {
    private var fields: [String] = []

    init() {}

    mutating func add(_ key: String, _ value: String) { fields.append("\(quote(key)):\(quote(value))") }
    mutating func add(_ key: String, _ value: Int) { fields.append("\(quote(key)):\(value)") }
    mutating func add(_ key: String, _ value: Bool) { fields.append("\(quote(key)):\(value)") }
    mutating func add(_ key: String, _ value: Double) {
        // JSON has no NaN or infinity: write null rather than an unreadable line.
        fields.append("\(quote(key)):" + (value.isFinite ? "\(value)" : "null"))
    }

    var text: String { "{" + fields.joined(separator: ",") + "}" }

    private func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

import Foundation

// Typed errors for MJCF input. Every error names the file and, where one exists, the line, the
// element and the attribute, then says what was expected and what was found.

/// A problem with an MJCF file: unreadable, malformed, outside MetaRL's subset, or inconsistent.
public struct MJCFError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The file could not be read.
        case unreadableFile
        /// The XML itself is not well formed (the line is the parser's).
        case malformedXML
        /// An element MetaRL does not know, or one MJCF has but MetaRL's subset does not support.
        case unknownElement
        /// An attribute the element does not have in MetaRL's subset.
        case unknownAttribute
        /// A required attribute is absent.
        case missingAttribute
        /// A value that does not parse or is out of range (NaN, wrong count, negative mass, …).
        case badValue
        /// A reference to a name (joint, class) that does not exist.
        case unknownName
        /// Two elements of one kind share a name.
        case duplicateName
        /// The model is well formed but cannot be compiled (massless moving body, A+B<C, …).
        case invalidModel
    }

    public let kind: Kind
    /// The file path, or the name given to `MJCF.load(string:name:)`.
    public let file: String
    /// 1-based line in the file, when the problem has a place.
    public let line: Int?
    public let element: String?
    public let attribute: String?
    /// What was expected and what was found.
    public let message: String

    public init(_ kind: Kind, file: String, line: Int?, element: String? = nil, attribute: String? = nil,
                _ message: String) {
        self.kind = kind; self.file = file; self.line = line
        self.element = element; self.attribute = attribute; self.message = message
    }

    /// `file:line: <element> attribute 'name': message`.
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": "
        if let element {
            s += "<\(element)>"
            if let attribute { s += " attribute '\(attribute)'" }
            s += ": "
        }
        return s + message
    }
}

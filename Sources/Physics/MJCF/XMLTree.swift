#if canImport(FoundationXML)
import FoundationXML
#endif
import Foundation

// A minimal XML element tree read with XMLParser, keeping the source line of every element and
// attribute so that compiler errors can point at them.

/// One attribute as written, with the line it starts on.
struct XMLAttribute: Sendable {
    let name: String
    let value: String
    let line: Int
}

/// One element as written: name, attributes in source order, children in document order.
struct XMLNode: Sendable {
    let name: String
    /// Line of the opening `<name`.
    let line: Int
    var attributes: [XMLAttribute]
    var children: [XMLNode]

    func attribute(_ name: String) -> XMLAttribute? { attributes.first { $0.name == name } }
}

enum XMLTree {
    /// Parses `text` into its root element. `file` names the source in errors.
    static func parse(_ text: String, file: String) throws -> XMLNode {
        let builder = TreeBuilder(source: text, file: file)
        let parser = XMLParser(data: Foundation.Data(text.utf8))
        parser.delegate = builder
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        let ok = parser.parse()
        if let error = builder.error { throw error }
        if !ok || builder.root == nil {
            let code = (builder.errorCode ?? parser.parserError.map { ($0 as NSError).code }).map { "libxml2 error \($0)" }
                ?? "no root element"
            let line = builder.errorLine ?? max(parser.lineNumber, 1)
            // The elements open where the parser first complained usually point at the mistake.
            let open = builder.openAtError.joined(separator: " > ")
            throw MJCFError(.malformedXML, file: file, line: line,
                            "malformed XML: expected a well-formed document; the parser stopped here (\(code))"
                            + (open.isEmpty ? "" : "; open elements: \(open)"))
        }
        return builder.root!
    }
}

/// SAX delegate building the tree. XMLParser reports the line where a start tag *ends*, so the
/// element's own line and each attribute's line are found by scanning the source backwards.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    let lines: [Substring]
    let file: String
    var stack: [XMLNode] = []
    var root: XMLNode?
    var error: MJCFError?
    var errorLine: Int?
    var errorCode: Int?
    var openAtError: [String] = []

    init(source: String, file: String) {
        self.lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        self.file = file
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        let end = max(1, parser.lineNumber)
        let start = startLine(of: elementName, before: end)
        var attributes: [XMLAttribute] = []
        for (name, value) in attributeDict {
            attributes.append(XMLAttribute(name: name, value: value, line: attributeLine(name, from: start, to: end)))
        }
        // Source order (line, then name) so that the first bad attribute reported is stable.
        attributes.sort { ($0.line, $0.name) < ($1.line, $1.name) }
        stack.append(XMLNode(name: elementName, line: start, attributes: attributes, children: []))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        guard error == nil, let node = stack.popLast() else { return }
        if node.name != elementName {
            error = MJCFError(.malformedXML, file: file, line: max(1, parser.lineNumber), element: nil,
                              "malformed XML: expected </\(node.name)> closing <\(node.name)> (line \(node.line)), found </\(elementName)>")
            parser.abortParsing()
            return
        }
        if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard error == nil, !string.allSatisfy(\.isWhitespace) else { return }
        let element = stack.last?.name
        error = MJCFError(.badValue, file: file, line: max(1, parser.lineNumber), element: element,
                          "expected only child elements, found text \"\(string.trimmingCharacters(in: .whitespacesAndNewlines).prefix(40))\"")
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        if errorLine == nil {
            errorLine = max(1, parser.lineNumber)
            errorCode = (parseError as NSError).code
            openAtError = stack.map { "<\($0.name)> (line \($0.line))" }
        }
    }

    /// The last line at or before `end` holding `<name` followed by a delimiter.
    private func startLine(of name: String, before end: Int) -> Int {
        var l = min(end, lines.count)
        while l >= 1 {
            if contains(tag: name, in: lines[l - 1]) { return l }
            l -= 1
        }
        return end
    }

    private func contains(tag: String, in line: Substring) -> Bool {
        var rest = line[...]
        while let r = rest.range(of: "<" + tag) {
            let after = rest[r.upperBound...].first
            if after == nil || after!.isWhitespace || after == "/" || after == ">" { return true }
            rest = rest[r.upperBound...]
        }
        return false
    }

    /// The first line in start...end where `name` appears as an attribute (`name=` or `name =`).
    private func attributeLine(_ name: String, from start: Int, to end: Int) -> Int {
        guard start <= end, end <= lines.count else { return start }
        for l in start...end {
            var rest = lines[l - 1][...]
            while let r = rest.range(of: name) {
                let before = r.lowerBound == lines[l - 1].startIndex ? nil : lines[l - 1][lines[l - 1].index(before: r.lowerBound)]
                let tail = rest[r.upperBound...].drop { $0 == " " || $0 == "\t" }
                if (before == nil || before!.isWhitespace) && tail.first == "=" { return l }
                rest = rest[r.upperBound...]
            }
        }
        return start
    }
}

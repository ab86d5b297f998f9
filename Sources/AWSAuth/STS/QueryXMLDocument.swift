import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The text of every leaf element of an AWS query-protocol XML reply, with its element path
/// (`AssumeRoleResponse/AssumeRoleResult/Credentials/AccessKeyId`). Query replies are small,
/// flat documents, so a list of leaves is all the reading needs.
struct QueryXMLDocument {
    private(set) var leaves: [(path: [String], text: String)] = []
    private(set) var rootName: String?

    /// Nil when `bytes` is not well-formed XML.
    init?(_ bytes: [UInt8]) {
        let collector = Collector()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = collector
        parser.shouldProcessNamespaces = true
        guard parser.parse(), let root = collector.root else { return nil }
        leaves = collector.leaves
        rootName = root
    }

    /// The text of the first leaf whose path ends with `suffix`.
    func value(_ suffix: String...) -> String? {
        for leaf in leaves where leaf.path.count >= suffix.count && Array(leaf.path.suffix(suffix.count)) == suffix {
            return leaf.text
        }
        return nil
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var root: String?
        var stack: [String] = []
        var text = ""
        var hadChild = false
        var leaves: [(path: [String], text: String)] = []

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
        ) {
            if root == nil { root = elementName }
            stack.append(elementName)
            text = ""
            hadChild = false
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            if !hadChild {
                leaves.append((stack, text.trimmingCharacters(in: .whitespacesAndNewlines)))
            }
            stack.removeLast()
            text = ""
            hadChild = true
        }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An AWS config or shared credentials file, parsed as botocore parses it (Python's
/// `RawConfigParser`): `[section]` headers, `key = value` or `key: value`, keys lower-cased,
/// `#` and `;` comment lines, indented continuation lines, no inline comments, and a duplicate
/// section or key is an error.
public struct ConfigFile: Sendable, Equatable {
    public let path: String
    /// Section name → key → value, as written (`profile dev`, not `dev`).
    public let sections: [String: [String: String]]

    public init(path: String, sections: [String: [String: String]]) {
        self.path = path
        self.sections = sections
    }

    /// Parses `text`; `path` is only for messages.
    public static func parse(_ text: String, path: String) throws(CredentialError) -> ConfigFile {
        var sections: [String: [String: String]] = [:]
        var current: String?
        var lastKey: String?
        func fail(_ line: Int, _ what: String) -> CredentialError {
            CredentialError(code: .malformedConfigFile, source: path, message: "line \(line): \(what)")
        }
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if rawLine.first == " " || rawLine.first == "\t", let section = current, let key = lastKey {
                // Continuation: botocore reads these as nested settings (`s3 =` then indented lines).
                sections[section]![key]! += "\n" + line
                continue
            }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    throw fail(number, "a section header must look like [name]")
                }
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                guard sections[name] == nil else { throw fail(number, "section [\(name)] appears twice") }
                sections[name] = [:]
                current = name
                lastKey = nil
                continue
            }
            guard let section = current else {
                throw fail(number, "expected a [section] header before the first setting")
            }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw fail(number, "expected `key = value` or a [section] header")
            }
            let key = line[..<separator].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: separator)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw fail(number, "a setting has no name before `=`") }
            guard sections[section]![key] == nil else {
                throw fail(number, "`\(key)` is set twice in [\(section)]")
            }
            sections[section]![key] = value
            lastKey = key
        }
        return ConfigFile(path: path, sections: sections)
    }

    /// Reads and parses the file at `path`; nil if it does not exist. An unreadable file
    /// (permissions, a directory) is an error: silently skipping it hides the real problem.
    public static func load(path: String) throws(CredentialError) -> ConfigFile? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        // Plain read(2): `/dev/null`, a common way to say "no file", is not a regular file and
        // Foundation's readers refuse it.
        guard !isDirectory.boolValue, let data = readWholeFile(path) else {
            throw CredentialError(
                code: .unreadableFile, source: path,
                message: "the file exists but cannot be read; check its permissions"
            )
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CredentialError(code: .malformedConfigFile, source: path, message: "the file is not UTF-8 text")
        }
        return try parse(text, path: path)
    }
}

private func readWholeFile(_ path: String) -> Data? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 16_384)
    while true {
        let count = read(fd, &buffer, buffer.count)
        if count == 0 { return data }
        if count < 0 {
            if errno == EINTR { continue }
            return nil
        }
        data.append(contentsOf: buffer[0..<count])
    }
}

/// The config file and the shared credentials file together, with profile lookup as the
/// AWS CLI does it.
public struct AWSConfigFiles: Sendable, Equatable {
    public let configPath: String
    public let credentialsPath: String
    public let config: ConfigFile?
    public let credentials: ConfigFile?

    public init(configPath: String, credentialsPath: String, config: ConfigFile?, credentials: ConfigFile?) {
        self.configPath = configPath
        self.credentialsPath = credentialsPath
        self.config = config
        self.credentials = credentials
    }

    public static func load(_ environment: CredentialEnvironment) throws(CredentialError) -> AWSConfigFiles {
        let configPath = environment.configFilePath
        let credentialsPath = environment.sharedCredentialsFilePath
        return AWSConfigFiles(
            configPath: configPath, credentialsPath: credentialsPath,
            config: try ConfigFile.load(path: configPath),
            credentials: try ConfigFile.load(path: credentialsPath)
        )
    }

    /// The profile's settings in the config file: `[profile NAME]`, or `[default]` for default.
    public func configProfile(_ name: String) -> [String: String]? {
        guard let config else { return nil }
        if let section = config.sections["profile \(name)"] { return section }
        return name == "default" ? config.sections["default"] : nil
    }

    /// The profile's settings in the shared credentials file: `[NAME]`.
    public func credentialsProfile(_ name: String) -> [String: String]? {
        credentials?.sections[name]
    }

    /// Both files merged, the credentials file winning (botocore's profile map).
    public func profile(_ name: String) -> [String: String]? {
        let fromConfig = configProfile(name), fromCredentials = credentialsProfile(name)
        if fromConfig == nil, fromCredentials == nil { return nil }
        return (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, credentialsValue in credentialsValue }
    }
}

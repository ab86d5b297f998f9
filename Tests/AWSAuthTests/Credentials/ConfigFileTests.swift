import Testing
@testable import AWSAuth

@Suite("AWS config file parsing")
struct ConfigFileTests {
    @Test func parsesSectionsCommentsSeparatorsAndContinuations() throws {
        let file = try ConfigFile.parse("""
            ; leading comment
            [default]
            Region = us-west-2
            output: json
            # another comment

            [profile dev]
            role_arn = arn:aws:iam::123456789012:role/dev
            s3 =
                max_concurrent_requests = 20
            """, path: "cfg")
        #expect(file.sections["default"] == ["region": "us-west-2", "output": "json"])
        #expect(file.sections["profile dev"]?["role_arn"] == "arn:aws:iam::123456789012:role/dev")
        #expect(file.sections["profile dev"]?["s3"] == "\nmax_concurrent_requests = 20")
    }

    @Test func valuesKeepInlineHashesAsBotocoreDoes() throws {
        let file = try ConfigFile.parse("[a]\nkey = value # not a comment\n", path: "cfg")
        #expect(file.sections["a"]?["key"] == "value # not a comment")
    }

    @Test(arguments: [
        ("key = value\n", "line 1: expected a [section] header"),
        ("[a]\njust words\n", "line 2: expected `key = value`"),
        ("[a]\nk = 1\n[a]\n", "line 3: section [a] appears twice"),
        ("[a]\nk = 1\nK = 2\n", "line 3: `k` is set twice in [a]"),
        ("[a\n", "line 1: a section header must look like [name]"),
        ("[a]\n = v\n", "line 2: a setting has no name"),
    ])
    func malformedInputNamesTheLine(text: String, expected: String) {
        #expect {
            try ConfigFile.parse(text, path: "/home/u/.aws/config")
        } throws: { error in
            let description = "\(error)"
            return description.contains(expected) && description.contains("/home/u/.aws/config")
        }
    }

    @Test func profileLookupMergesFilesWithCredentialsWinning() {
        let files = AWSConfigFiles(
            configPath: "c", credentialsPath: "k",
            config: ConfigFile(path: "c", sections: ["profile dev": ["region": "eu-west-1", "aws_access_key_id": "FROMCONFIG"], "default": ["region": "us-east-1"]]),
            credentials: ConfigFile(path: "k", sections: ["dev": ["aws_access_key_id": "FROMCREDS"]])
        )
        #expect(files.profile("dev") == ["region": "eu-west-1", "aws_access_key_id": "FROMCREDS"])
        #expect(files.configProfile("default") == ["region": "us-east-1"])
        #expect(files.profile("missing") == nil)
    }
}

@Suite("Shell word splitting for credential_process")
struct ShellWordsTests {
    @Test(arguments: [
        ("helper --profile dev", ["helper", "--profile", "dev"]),
        ("  spaced   out  ", ["spaced", "out"]),
        ("say 'two words' \"and \\\"quoted\\\"\"", ["say", "two words", "and \"quoted\""]),
        ("path\\ with\\ spaces arg", ["path with spaces", "arg"]),
        ("'' empty", ["", "empty"]),
        ("\"keep \\n backslash\"", ["keep \\n backslash"]),
    ])
    func splitsLikePythonShlex(line: String, words: [String]) throws {
        #expect(try ShellWords.split(line) == words)
    }

    @Test func unterminatedQuoteThrows() {
        #expect(throws: ShellWords.UnterminatedQuote.self) { try ShellWords.split("a 'b") }
    }
}

@Suite("AWS config file loading")
struct ConfigFileLoadingTests {
    @Test func devNullIsAnEmptyFile() throws {
        let file = try #require(try ConfigFile.load(path: "/dev/null"))
        #expect(file.sections.isEmpty)
    }

    @Test func missingFileIsNil() throws {
        #expect(try ConfigFile.load(path: "/nonexistent/dbtunnel/config") == nil)
    }
}

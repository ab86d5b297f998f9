import Testing
@testable import AWSMocks

@Suite struct PolicyTextTests {
    @Test func whitespaceIsNotCountedTowardsTheSizeLimit() {
        #expect(PolicyText("{ \"Version\" : \"2012-10-17\" }\n\t").sizeWithoutWhitespace == 24)
    }
}

import AWSAuth
import Foundation

// `dbtunnel-bench tokens [--mode cached|uncached] [--seconds S]`
// Signs RDS IAM tokens in a loop on the calling thread for S seconds and prints
// `tokens_per_second=<n>`. `make bench` pins it to one CPU and interleaves rounds with the
// baselines (see Benchmarks/run-bench.sh and BENCHMARKS.md).

var mode = "cached"
var seconds = 1.0
var arguments = CommandLine.arguments.dropFirst()
guard arguments.first == "tokens" else {
    FileHandle.standardError.write(Data("usage: dbtunnel-bench tokens [--mode cached|uncached] [--seconds S]\n".utf8))
    exit(2)
}
arguments = arguments.dropFirst()
while let flag = arguments.popFirst() {
    switch (flag, arguments.popFirst()) {
    case ("--mode", let value?) where value == "cached" || value == "uncached": mode = value
    case ("--seconds", let value?) where Double(value) != nil: seconds = Double(value)!
    default:
        FileHandle.standardError.write(Data("bad argument \(flag)\n".utf8))
        exit(2)
    }
}

let credentials = AWSCredentials(
    accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    sessionToken: "IQoJb3JpZ2luX2VjEXAMPLEsessiontoken"
)
let sharedCache = SigningKeyCache()
let clock = ContinuousClock()
let deadline = clock.now + .milliseconds(Int(seconds * 1000))
var count = 0
var checksum = 0
let started = clock.now
// Each token is signed for a slightly different instant, as real connections are.
var date = Date()
while clock.now < deadline {
    for _ in 0..<256 {
        let token = RDSAuthToken.generate(
            host: "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com", port: 5432, user: "iam_user",
            region: "us-east-1", credentials: credentials, date: date,
            keyCache: mode == "cached" ? sharedCache : SigningKeyCache()
        )
        checksum &+= token.utf8.count
        date += 0.001
    }
    count += 256
}
let elapsed = started.duration(to: clock.now)
let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("tokens_per_second=\(Int(Double(count) / elapsedSeconds)) checksum=\(checksum % 1000)")

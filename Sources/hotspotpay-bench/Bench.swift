import Foundation
import Radius

/// `hotspotpay-bench store [rows]`, `radius [macs] [seconds]` or `checkout [pending] [old rows]`; figures go
/// to stdout and, by hand, to BENCHMARKS.md.
@main
enum Bench {
    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let which = arguments.first.flatMap { Int($0) == nil ? $0 : nil } ?? "store"
        if arguments.first == which { arguments.removeFirst() }
        switch which {
        case "store": try await StoreBenchmark.run(arguments: arguments)
        case "radius": try await RadiusBenchmark.run(arguments: arguments)
        case "checkout": try await CheckoutBenchmark.run(arguments: arguments)
        case "console": try await ConsoleBenchmark.run(arguments: arguments)
        case "unlock": try await UnlockBenchmark.run(arguments: arguments)
        case "postgres": try await PostgresBenchmark.run(arguments: arguments)
        case "load":
            // Load only, against a server already running (for profiling it):
            // hotspotpay-bench load <port> [seconds] [secret]
            try RadiusDictionary.load()
            let port = arguments.first.flatMap(Int.init) ?? 1812
            let seconds = arguments.dropFirst().first.flatMap(Double.init) ?? 10
            let secret = arguments.dropFirst(2).first ?? RadiusBenchmark.secret
            let macs = (0..<100_000).map { RadiusBenchmark.mac($0) }
            RadiusBenchmark.report("server", RadiusLoad(port: port, secret: secret, macs: macs, seconds: seconds).run())
        default:
            FileHandle.standardError.write(
                Data(
                    "usage: hotspotpay-bench store [rows] | radius [macs] [seconds] | checkout [pending] [old rows] | console [rows] | unlock [payments] [login-timeout s] | postgres [payments] | load <port> [seconds] [secret]\n"
                        .utf8))
            exit(64)
        }
    }
}

import ArgumentParser
import Foundation

/// Options every command that touches the database understands.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Config file (YAML). Default: $HOTSPOTPAY_CONFIG, else the embedded defaults.")
    var config: String?

    @Option(name: .long, help: "Data folder for the embedded defaults. Default: $HOTSPOTPAY_DATA_DIR or ./data.")
    var dataDir: String?

    @Flag(name: .long, help: "Print JSON instead of tables.")
    var json = false

    func runtime() throws -> Runtime {
        try Runtime.load(configPath: config, dataDirectory: dataDir, environment: ProcessInfo.processInfo.environment)
    }
}

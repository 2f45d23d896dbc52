import Foundation
import HotspotPayCore
import Logging
import PostgresStore
import Store
import TestSupport

extension VenueDaemon {
    /// The node's PostgreSQL database opened beside it with the node's key, for reading what the
    /// daemons wrote; close it when done.
    func postgresStore(_ url: String, connections: Int = 4) throws -> PostgresStore {
        let key = try SecretKey.fromEnvironment(["HOTSPOTPAY_SECRET_KEY": self.key])
        guard let key else { throw SpawnError("the node has no key") }
        var logger = Logger(label: "venue-test")
        logger.logLevel = .error
        return PostgresStore(
            url: try PostgresURL(url), password: nil, cipher: SecretCipher(key: key), connections: connections,
            logger: logger)
    }
}

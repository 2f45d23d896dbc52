import Foundation
import HotspotPayCore
import Radius
import Store

/// Keeps accounting as sessions: Start/Interim/Stop update the session the router named;
/// Accounting-On/Off (the router restarted) closes all of that router's open sessions.
public struct StoreAccountingSink: AccountingSink {
    let sessions: any SessionStore
    let logins: RecentLogins?
    let clock: @Sendable () -> Date

    /// `logins` is the access policy's: it says how a starting session's device was let in.
    public init(
        sessions: any SessionStore, logins: RecentLogins? = nil, clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.sessions = sessions
        self.logins = logins
        self.clock = clock
    }

    public func record(_ record: AccountingRecord, client: RadiusClient) async throws {
        let now = clock()
        switch record.kind {
        case .accountingOn, .accountingOff:
            _ = try await sessions.closeSessions(routerID: client.routerID, at: now, cause: record.kind.rawValue)
        case .start, .interim, .stop:
            let names: [String?] = [record.callingStationID, record.userName]
            guard let mac = names.lazy.compactMap({ $0.flatMap { try? MACAddress($0) } }).first,
                !record.acctSessionID.isEmpty
            else {
                // Nothing to key a session on; acknowledged so the router does not resend forever.
                return
            }
            let seconds = Double(record.sessionSeconds)
            var session = RadiusSession(
                routerID: client.routerID, acctSessionID: record.acctSessionID, mac: mac,
                userName: record.userName, framedIP: record.framedIP.flatMap { try? IPAddress($0) },
                startedAt: now.addingTimeInterval(-seconds), updatedAt: now,
                stoppedAt: record.kind == .stop ? now : nil, inputBytes: record.inputBytes,
                outputBytes: record.outputBytes, sessionSeconds: record.sessionSeconds,
                terminateCause: record.terminateCause)
            if record.kind == .start {
                session.authenticatedBy = logins?.take(routerID: client.routerID, mac: mac, at: now)
            }
            try await sessions.recordSession(session)
        }
    }
}

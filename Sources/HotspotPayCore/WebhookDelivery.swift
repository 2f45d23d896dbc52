import struct Foundation.Date

/// One event on its way to one endpoint: pending until the endpoint answers 2xx, dead once the
/// retry schedule is spent (an operator may send it again).
public struct WebhookDelivery: Hashable, Sendable, Identifiable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case pending, delivered, dead
    }

    public var id: Int64
    public var endpointID: String
    /// The event's stable id (`evt_…`): the same on every attempt, for the receiver to de-duplicate.
    public var eventID: String
    public var eventType: WebhookEventType
    /// The sale the event is about; deliveries about one sale go out in the order they happened.
    public var transactionID: String?
    public var status: Status
    public var attempts: Int
    /// Attempts since the delivery was last queued (first, or again by an operator): what the
    /// retry schedule counts.
    public var attemptsThisRound: Int
    public var nextAttemptAt: Date
    public var lastStatusCode: Int?
    public var lastError: String?
    public var deliveredAt: Date?
    public var createdAt: Date

    public init(
        id: Int64, endpointID: String, eventID: String, eventType: WebhookEventType, transactionID: String?,
        status: Status, attempts: Int, attemptsThisRound: Int? = nil, nextAttemptAt: Date, lastStatusCode: Int? = nil,
        lastError: String? = nil,
        deliveredAt: Date? = nil, createdAt: Date
    ) {
        self.id = id
        self.endpointID = endpointID
        self.eventID = eventID
        self.eventType = eventType
        self.transactionID = transactionID
        self.status = status
        self.attempts = attempts
        self.attemptsThisRound = attemptsThisRound ?? attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastStatusCode = lastStatusCode
        self.lastError = lastError
        self.deliveredAt = deliveredAt
        self.createdAt = createdAt
    }
}

/// One try at a delivery, for the delivery log.
public struct WebhookAttempt: Hashable, Sendable {
    public var deliveryID: Int64
    public var number: Int
    public var at: Date
    /// The endpoint's HTTP status; nil when it never answered.
    public var statusCode: Int?
    public var latencyMilliseconds: Int
    /// The start of the endpoint's answer (at most 500 characters), or why there was none.
    public var responseExcerpt: String
    /// Why the attempt did not deliver (refused address, timeout, connection refused, non-2xx).
    public var error: String?

    public init(
        deliveryID: Int64, number: Int, at: Date, statusCode: Int?, latencyMilliseconds: Int,
        responseExcerpt: String, error: String?
    ) {
        self.deliveryID = deliveryID
        self.number = number
        self.at = at
        self.statusCode = statusCode
        self.latencyMilliseconds = latencyMilliseconds
        self.responseExcerpt = responseExcerpt
        self.error = error
    }

    public var delivered: Bool { error == nil && statusCode.map { (200..<300).contains($0) } == true }
}

/// When a failed delivery is tried again: after each delay in turn, then never (dead).
public struct WebhookRetrySchedule: Hashable, Sendable {
    /// Seconds to wait after the first, second, … failed attempt.
    public var delays: [Int64]

    /// About 1 m, 5 m, 30 m, 2 h, 12 h: six attempts over some 15 hours.
    public static let standard = WebhookRetrySchedule(delays: [60, 300, 1800, 7200, 43_200])

    public init(delays: [Int64]) { self.delays = delays }

    /// The wait after `attempts` failed attempts, nil when the delivery is dead.
    public func delay(afterAttempts attempts: Int) -> Int64? {
        attempts >= 1 && attempts <= delays.count ? delays[attempts - 1] : nil
    }

    public var maximumAttempts: Int { delays.count + 1 }
}

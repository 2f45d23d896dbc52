/// What the daemon did with a callback; each provider turns it into the reply it expects.
public enum CallbackResult: Sendable, Hashable {
    /// Applied now: paid, or a failure recorded, or a pending notice noted.
    case recorded
    /// The same news was applied before (duplicate, replay, concurrent delivery).
    case alreadyRecorded
    case rejected(CallbackRejection)
    /// Our fault (the database is down): ask the provider to try again later.
    case failed(String)
}

/// The HTTP answer a provider expects.
public struct CallbackReply: Sendable, Hashable {
    public var status: Int
    public var contentType: String?
    public var body: String

    public init(status: Int, contentType: String? = nil, body: String = "") {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    static func json(_ status: Int, _ body: String) -> CallbackReply {
        CallbackReply(status: status, contentType: "application/json; charset=utf-8", body: body)
    }

    /// MoMo (and the sandbox, which answers like it): 204 No Content when handled; anything
    /// else makes MoMo send again.
    static func noContentReply(to result: CallbackResult) -> CallbackReply {
        switch result {
        case .recorded, .alreadyRecorded: CallbackReply(status: 204)
        case .rejected(.unavailable), .failed: .json(503, #"{"message":"try again later"}"#)
        case .rejected(let rejection): .json(400, #"{"message":"# + JSONValue.quoted(rejection.description) + "}")
        }
    }

    /// payOS and SePay: `{"success": true}` for anything they need not send again.
    static func webhookReply(to result: CallbackResult) -> CallbackReply {
        switch result {
        case .recorded, .alreadyRecorded, .rejected(.ignored), .rejected(.unknownOrder),
            .rejected(.amountMismatch), .rejected(.orderMismatch):
            // Answered as received: sending it again cannot change the answer, and the
            // rejection is in the audit log for the operator.
            .json(200, #"{"success":true}"#)
        case .rejected(.badSignature):
            .json(401, #"{"success":false,"message":"bad signature"}"#)
        case .rejected(.unavailable), .failed:
            .json(503, #"{"success":false,"message":"try again later"}"#)
        case .rejected(let rejection):
            .json(400, #"{"success":false,"message":"# + JSONValue.quoted(rejection.description) + "}")
        }
    }
}

extension CallbackResult {
    /// A short, stable name for metrics: `applied`, `duplicate`, `rejected_bad_signature`, `error`…
    public var metricLabel: String {
        switch self {
        case .recorded: "applied"
        case .alreadyRecorded: "duplicate"
        case .failed: "error"
        case .rejected(let rejection):
            switch rejection {
            case .badSignature: "rejected_bad_signature"
            case .malformed: "rejected_malformed"
            case .tooLarge: "rejected_too_large"
            case .unknownOrder: "rejected_unknown_order"
            case .amountMismatch: "rejected_amount_mismatch"
            case .orderMismatch: "rejected_order_mismatch"
            case .ignored: "ignored"
            case .notConfigured: "rejected_not_configured"
            case .unavailable: "error"
            }
        }
    }
}

import HotspotPayCore
import Testing

@Suite struct WebhookEventTypeTests {
    static let reportable: [(AuditKind, WebhookEventType)] = [
        (.paymentConfirmed, .paymentSucceeded), (.latePaymentHonoured, .paymentSucceeded),
        (.paymentFailed, .paymentFailed), (.transactionExpired, .paymentExpired),
        (.paymentUnapplied, .paymentUnapplied), (.paymentDuplicate, .paymentUnapplied),
        (.transactionRefunded, .refundSucceeded), (.transactionPartlyRefunded, .refundSucceeded),
        (.refundFailed, .refundFailed), (.grantStarted, .grantStarted), (.grantExtended, .grantExtended),
        (.grantExtendedByOperator, .grantExtended), (.grantEnded, .grantEnded), (.grantRevoked, .grantEnded),
        (.unlockAcknowledged, .unlockAcknowledged), (.unlockFailed, .unlockFailed),
        (.voucherRedeemed, .voucherRedeemed),
    ]

    @Test func everyEventAnEndpointCanSubscribeToIsReportedBySomeAuditLine() {
        for (kind, event) in Self.reportable { #expect(WebhookEventType(reporting: kind) == event, "\(kind)") }
        #expect(Set(Self.reportable.map(\.1)) == Set(WebhookEventType.all))
    }

    @Test func operatorHousekeepingIsNotSentToVenueSystems() {
        for kind in [
            AuditKind.operatorLoggedIn, .operatorChanged, .apiTokenChanged, .callbackRejected, .planChanged,
            .routerChanged, .secretsResealed, .webhookChanged, .providerCredentialsChanged, .transactionCreated,
        ] {
            #expect(WebhookEventType(reporting: kind) == nil, "\(kind)")
        }
    }

    @Test func theRetryScheduleEndsAfterItsLastDelay() {
        let schedule = WebhookRetrySchedule.standard
        #expect((1...5).compactMap { schedule.delay(afterAttempts: $0) } == [60, 300, 1800, 7200, 43_200])
        #expect(schedule.delay(afterAttempts: 6) == nil && schedule.maximumAttempts == 6)
        #expect(WebhookRetrySchedule(delays: []).delay(afterAttempts: 1) == nil)
    }
}

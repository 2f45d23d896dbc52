import HotspotPayCore

/// Everything the daemon persists.
public typealias HotspotStore = PlanStore & RouterStore & TransactionStore & GrantStore & UnlockJobStore
    & SessionStore & AuditLog & StoreHealth & CheckoutPageStore & OperatorStore & RefundStore & ReportStore
    & UnappliedPaymentStore & IdempotencyStore & VoucherStore
    & GrantMoveStore & WebhookStore & ProviderCredentialStore & ThrottleStore

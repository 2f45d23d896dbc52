/// One kind of work in the console, the unit ``StaffRole`` grants.
public enum StaffPermission: String, Sendable, Hashable, CaseIterable {
    /// Read one sale, device or grant by its id, receipt code or MAC; see who is online.
    case lookUp
    /// Sell for cash, extend or end a device's access, re-check a sale, resend its unlock.
    case counter
    /// Plans and prices.
    case catalog
    /// Make and withdraw voucher batches (printing a made batch is ``counter`` work).
    case vouchers
    /// Routers, their secrets and the router doctor.
    case routers
    /// Refunds and money that gave nobody access.
    case money
    /// Revenue, the dashboard, lists and exports of sales, the audit log.
    case reports
    /// Access sold by another system (hotel check-in) through the API.
    case integrations
    /// Payment providers' credentials (where the venue's money goes).
    case providerKeys
    /// Operators, their roles and API tokens.
    case staff
}

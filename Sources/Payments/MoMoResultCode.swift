/// What a MoMo `resultCode` means for the order (docs/PROVIDERS.md §1).
enum MoMoResultCode {
    enum Meaning: Equatable {
        case paid
        case pending
        case failed
        /// Our request was wrong (signature, keys, duplicate ids): the order itself is untouched.
        case requestError
        case orderNotFound
    }

    static func meaning(_ code: Int64) -> Meaning {
        switch code {
        case 0, 9000: .paid
        case 1000, 7000, 7002, 8000: .pending
        case 42: .orderNotFound
        case 10, 11, 12, 13, 20, 21, 22, 40, 41, 43: .requestError
        default: .failed
        }
    }
}

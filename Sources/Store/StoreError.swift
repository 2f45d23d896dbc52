import HotspotPayCore

/// What went wrong in the store, with what an operator needs to fix it.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// No row with that id.
    case notFound(entity: String, id: String)
    /// A row with that id (or another unique value) already exists.
    case duplicate(entity: String, field: String, value: String)
    /// The state table forbids the move (or it happened already).
    case transition(TransitionError)
    /// The database holds encrypted secrets but no key was given.
    case secretKeyMissing(encryptedSecrets: Int)
    /// A secret was to be sealed (or opened) but no key was given.
    case secretKeyRequired(entity: String, id: String)
    /// A secret was encrypted under another key than the one given.
    case secretKeyMismatch(entity: String, id: String, storedKeyID: String, givenKeyID: String)
    /// A stored value that cannot be read back (hand-edited or corrupted database).
    case corruptRow(entity: String, id: String, field: String, problem: String)
    /// A refund would give back more than the transaction paid.
    case refundExceedsPayment(transactionID: String, paid: Money, alreadyRefunded: Money, asked: Money)
    /// Disabling this operator would leave nobody able to sign in.
    case lastOperator(username: String)
    /// The change would leave no enabled owner, so nobody could manage staff any more.
    case lastOwner(username: String)
    /// The database file cannot be opened or migrated.
    case unavailable(path: String, reason: String)
    /// The value to store breaks the domain's rules (a router without a secret…), every problem at once.
    case invalid([ValidationProblem])
    /// The database failed the operation (disk full, locked, I/O error): nothing was changed.
    case database(entity: String, reason: String)

    static let howToGiveTheKey = """
        Set \(SecretKey.environmentVariable) to the key (base64 of 32 bytes), or \
        \(SecretKey.fileEnvironmentVariable) to a file holding it; `hotspotpay keygen` makes a new one \
        (only for a new database: secrets already stored need the key they were sealed with)
        """

    public var description: String {
        switch self {
        case .notFound(let entity, let id): "no \(entity) with id '\(id)'"
        case .duplicate(let entity, let field, let value):
            value.isEmpty
                ? "a \(entity) with that \(field) already exists"
                : "a \(entity) with \(field) '\(value)' already exists"
        case .transition(let error): error.description
        case .secretKeyMissing(let count):
            "the database holds \(count) encrypted secret(s) and needs the encryption key, and none was given. "
                + Self.howToGiveTheKey
        case .secretKeyRequired(let entity, let id):
            "the secret of \(entity) '\(id)' is stored encrypted, and no encryption key was given. "
                + Self.howToGiveTheKey
        case .secretKeyMismatch(let entity, let id, let stored, let given):
            """
            the secret of \(entity) '\(id)' was sealed with key \(stored) but the key given is \(given): \
            start with the key the database was set up with (see docs/OPERATIONS.md, rotating the key)
            """
        case .corruptRow(let entity, let id, let field, let problem):
            "\(entity) '\(id)' has an unreadable \(field): \(problem)"
        case .refundExceedsPayment(let id, let paid, let already, let asked):
            """
            transaction \(id) paid \(paid.dong) VND and \(already.dong) VND is already refunded or being refunded; \
            \(asked.dong) VND more is too much (at most \(paid.dong - already.dong) VND)
            """
        case .lastOperator(let username):
            "\(username) is the only enabled operator; add another (`hotspotpay operators add`) before disabling them"
        case .lastOwner(let username):
            "\(username) is the only enabled owner; make another operator owner first (`hotspotpay operators role`)"
        case .unavailable(let path, let reason): "cannot use the database at \(path): \(reason)"
        case .invalid(let problems): problems.map(\.description).joined(separator: "; ")
        case .database(let entity, let reason):
            "the database failed while handling a \(entity): \(reason) (nothing was changed; check the disk and "
                + "the data folder's permissions)"
        }
    }
}

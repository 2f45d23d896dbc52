/// How hard the database works to keep the last commits through a power cut (`durability:` in
/// the config file).
public enum Durability: String, Sendable, CaseIterable {
    /// WAL + synchronous=NORMAL: a crash of the process loses nothing committed; a power cut
    /// may lose the last commits, which providers re-deliver and the sweeper re-queries.
    case normal
    /// synchronous=FULL: every commit survives a power cut, at the price of an fsync each.
    case full
}

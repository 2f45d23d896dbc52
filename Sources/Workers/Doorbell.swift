import Synchronization

/// Wakes a worker early: rings while nobody waits are remembered (several count as one), so no
/// ring is lost between two waits.
public final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
        /// Which wait the waiter and the timer belong to, so a late timer cannot end a later wait.
        var wait: UInt64 = 0
        var timedOut: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func ring() {
        let waiter = state.withLock { state in
            guard let waiter = state.waiter else {
                state.rung = true
                return CheckedContinuation<Void, Never>?.none
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns after a ring or after `seconds`, whichever comes first.
    func wait(seconds: Double) async {
        let wait: UInt64? = state.withLock { state in
            if state.rung {
                state.rung = false
                return nil
            }
            state.wait += 1
            return state.wait
        }
        guard let wait else { return }
        let timer = Task { [self] in
            try? await Task.sleep(for: .seconds(seconds))
            let waiter = state.withLock { state in
                guard state.wait == wait else { return CheckedContinuation<Void, Never>?.none }
                state.timedOut = wait
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
        await withCheckedContinuation { continuation in
            let now = state.withLock { state in
                if state.rung || state.timedOut == wait {
                    state.rung = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
        timer.cancel()
    }
}

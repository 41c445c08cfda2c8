import CMemory
import Dispatch
import Glibc
import Synchronization

/// Threads kept for a fit's many short parallel steps (a boosting round: ten trees of a few
/// hundred microseconds each on the embedded data), that wait for the next step spinning, then
/// asleep: a step starts on every core at once, where `DispatchQueue.concurrentPerform` wakes a
/// sleeping thread each time (30 to 60 µs on this machine, 250 times a fit, and about as long
/// again to join).
///
/// The caller's thread is worker 0; `width - 1` helpers are started at `init` and stopped at
/// `deinit`. One step at a time (`run` and `items` are not reentrant).
final class SpinningWorkers: Sendable {
    /// The threads a step runs on, the caller's included.
    let width: Int
    private let shared: Shared
    private let helpers: [pthread_t]

    /// The helpers' thread name (as `top -H` and `/proc/PID/task/TID/comm` show it).
    static let threadName = "msr-worker"

    /// How long a helper spins for the next step before it sleeps.
    static let spinNanoseconds: UInt64 = 500_000

    init(width: Int) {
        let shared = Shared()
        var helpers: [pthread_t] = []
        for index in 1..<max(1, width) {
            let context = Unmanaged.passRetained(Helper(shared: shared, index: index)).toOpaque()
            var thread = pthread_t()
            guard pthread_create(&thread, nil, { context in
                let helper = Unmanaged<Helper>.fromOpaque(context!).takeRetainedValue()
                msr_name_thread(SpinningWorkers.threadName)
                helper.shared.serve(helper.index)
                return nil
            }, context) == 0 else {
                Unmanaged<Helper>.fromOpaque(context).release()
                break
            }
            helpers.append(thread)
        }
        self.shared = shared
        self.helpers = helpers
        self.width = helpers.count + 1
    }

    deinit {
        shared.stop()
        for thread in helpers { pthread_join(thread, nil) }
    }

    /// `body(thread)` on every worker thread (0 ..< `width`, 0 on the caller's), returning when
    /// all are done.
    func run(_ body: @Sendable (Int) -> Void) {
        if helpers.isEmpty { return body(0) }
        shared.run(helpers: helpers.count, body)
    }

    /// `body` over `0..<count`, one item at a time, each worker with its own `scratch(thread)`
    /// made once (the results in item order), after `first.body(k)` for every k in
    /// `0..<first.count`, taken by the same threads in turn and all done before any item starts
    /// (a thread with none of them left to take waits for those still running elsewhere). As
    /// with `Parallel.blocks`, what an item computes must depend on the item alone.
    func items<Scratch, T>(_ count: Int, first: (count: Int, body: @Sendable (Int) -> Void),
                           scratch: @Sendable (Int) -> Scratch, _ body: @Sendable (inout Scratch, Int) -> T) -> [T] {
        let results = Parallel.Results<T>(count: count)
        let counts = Counts()
        run { thread in
            while case let k = counts.firstTaken.add(1, ordering: .relaxed).oldValue, k < first.count {
                first.body(k)
                counts.firstDone.add(1, ordering: .releasing)
            }
            var spins = 0
            while counts.firstDone.load(ordering: .acquiring) < first.count { SpinningWorkers.spin(&spins) }
            var own = scratch(thread)
            while case let k = counts.taken.add(1, ordering: .relaxed).oldValue, k < count {
                results.set(k, body(&own, k))
            }
        }
        return results.values
    }

    /// One turn of a wait for another thread: a `pause`, and every 64th time the core handed to
    /// any other thread ready to run on it (with more threads than cores, the one waited for may
    /// be one of them: spinning through the scheduler's slice made a fit on one core 17% slower).
    @inline(__always)
    static func spin(_ spins: inout Int) {
        msr_cpu_relax()
        spins &+= 1
        if spins & 63 == 0 { sched_yield() }
    }

    /// An `items` call's shares handed out: of the first steps (and those done), of the items.
    private final class Counts: Sendable {
        let firstTaken = Atomic<Int>(0)
        let firstDone = Atomic<Int>(0)
        let taken = Atomic<Int>(0)
    }

    /// A helper's thread's argument.
    private final class Helper {
        let shared: Shared
        let index: Int
        init(shared: Shared, index: Int) {
            self.shared = shared
            self.index = index
        }
    }

    /// What the caller and the helpers share (the helpers hold it, not the workers, whose
    /// `deinit` stops them).
    private final class Shared: @unchecked Sendable {  // `step` is written only while no helper reads it
        /// Steps posted so far; a helper runs each one once.
        private let posted = Atomic<Int>(0)
        /// Helpers still in the current step.
        private let busy = Atomic<Int>(0)
        private let stopping = Atomic<Bool>(false)
        private var step: (@Sendable (Int) -> Void)?
        /// For helpers that stopped spinning: they sleep on `wake` under `lock`.
        private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        private var sleepers = 0

        init() {
            pthread_mutex_init(lock, nil)
            pthread_cond_init(wake, nil)
        }

        deinit {
            pthread_cond_destroy(wake)
            pthread_mutex_destroy(lock)
            lock.deallocate()
            wake.deallocate()
        }

        /// Every helper's loop ends after the step it is in.
        func stop() {
            stopping.store(true, ordering: .releasing)
            pthread_mutex_lock(lock)
            pthread_cond_broadcast(wake)
            pthread_mutex_unlock(lock)
        }

        /// A helper's loop: each step posted, once, until stopped.
        func serve(_ index: Int) {
            var seen = 0
            while true {
                var spins = 0
                var since: UInt64 = 0
                while posted.load(ordering: .acquiring) == seen {
                    if stopping.load(ordering: .acquiring) { return }
                    SpinningWorkers.spin(&spins)
                    if spins & 1023 != 0 { continue }
                    let now = DispatchTime.now().uptimeNanoseconds
                    if since == 0 { since = now } else if now - since > SpinningWorkers.spinNanoseconds {
                        pthread_mutex_lock(lock)
                        sleepers += 1
                        while posted.load(ordering: .acquiring) == seen, !stopping.load(ordering: .acquiring) {
                            pthread_cond_wait(wake, lock)
                        }
                        sleepers -= 1
                        pthread_mutex_unlock(lock)
                        since = 0
                    }
                }
                seen += 1
                step!(index)
                busy.subtract(1, ordering: .releasing)
            }
        }

        /// Posts `body` to the `helpers`, runs it as thread 0, and waits for them.
        func run(helpers: Int, _ body: @Sendable (Int) -> Void) {
            withoutActuallyEscaping(body) { body in
                step = body
                busy.store(helpers, ordering: .relaxed)
                posted.add(1, ordering: .releasing)
                pthread_mutex_lock(lock)
                if sleepers > 0 { pthread_cond_broadcast(wake) }
                pthread_mutex_unlock(lock)
                body(0)
                var spins = 0
                while busy.load(ordering: .acquiring) > 0 { SpinningWorkers.spin(&spins) }
                step = nil
            }
        }
    }
}

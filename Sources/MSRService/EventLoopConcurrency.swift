import CExecutorHook
import NIOCore
import NIOPosix

/// Swift concurrency's jobs run on the server's event loops instead of the runtime's own pool.
///
/// A request is read and written on an event loop (NIO's threads, one a core), but its handler
/// is an asynchronous task, which the runtime runs on its global executor: another pool of one
/// thread a core. Each request then crosses between the two pools several times, and twice the
/// threads share the cores. Routed here, every job goes to an event loop, the current thread's
/// when it is one: a request's whole work stays on the loop that reads it. This is NIO's own
/// `NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()`,
/// which looks the runtime's hook up with `dlsym` and so finds nothing in an executable that
/// links the Swift runtime statically (the release build); the C target `CExecutorHook` reaches
/// it at link time instead. Long or blocking work stays off the loops: bcrypt, the models'
/// reload and the monitoring page (which reads the whole recommendations log) run on NIO's
/// thread pool, retraining in processes waited for by threads of their own, SQLite on GRDB's
/// queues.
enum EventLoopConcurrency {
    /// Installs the routing (once, from the main thread, before any task starts); false when the
    /// runtime's hook was already taken, and jobs keep running on the runtime's pool.
    @discardableResult
    static func install() -> Bool {
        // The hook's form is the runtime's, not a public API: NIO uses it only with the compilers
        // it knows to have it, and so does this.
        #if compiler(<6.6)
        guard #available(macOS 14, *) else { return false }  // NIO's loops are executors from there
        let installed = msr_install_global_enqueue { job in
            guard #available(macOS 14, *) else { return }
            let job = unsafeBitCast(job, to: UnownedJob.self)
            if let jobs = msr_thread_pointer() {
                Unmanaged<LoopJobs>.fromOpaque(jobs).takeUnretainedValue().add(job)
            } else {
                MultiThreadedEventLoopGroup.singleton.any().executor.enqueue(ExecutorJob(job))
            }
        }
        guard installed else { return false }
        for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
            loop.execute { msr_set_thread_pointer(Unmanaged.passRetained(LoopJobs(loop)).toOpaque()) }
        }
        return true
        #else
        return false
        #endif
    }
}

/// The jobs an event loop's own thread routes to it, run together in one of the loop's tasks.
///
/// Handing each job to the loop on its own (`executor.enqueue`) cost about 1,200 instructions
/// (the loop's lock, its task queue, the task's copies and casts as it runs) and a request makes
/// about 80 of them (each `await` that changes executor, each resumed continuation). Here a job
/// is appended to the batch, and only the first of a batch schedules a task, which runs the batch
/// in order. The loop still runs every task it holds before it reads its sockets again, so the
/// jobs run in the same turn of the loop as before; a job added while a batch runs goes into the
/// next batch, after the tasks scheduled meanwhile. Touched only from its loop's thread.
@available(macOS 14, *)
final class LoopJobs: @unchecked Sendable {
    private let loop: any EventLoop
    private let executor: UnownedSerialExecutor
    // Only the loop's thread touches them, and never two accesses at once (a job's `add` goes to
    // `waiting` while `run` reads `running`): no runtime exclusivity check, which cost three
    // calls into the runtime a job.
    @exclusivity(unchecked) private var waiting: [UnownedJob] = []
    /// The batch running, kept for its capacity.
    @exclusivity(unchecked) private var running: [UnownedJob] = []

    init(_ loop: any EventLoop) {
        self.loop = loop
        executor = loop.executor.asUnownedSerialExecutor()
        waiting.reserveCapacity(256)
        running.reserveCapacity(256)
    }

    func add(_ job: UnownedJob) {
        waiting.append(job)
        if waiting.count == 1 { loop.execute { self.run() } }
    }

    private func run() {
        swap(&waiting, &running)
        for job in running { job.runSynchronously(on: executor) }
        running.removeAll(keepingCapacity: true)
    }
}

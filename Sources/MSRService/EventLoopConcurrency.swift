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
        return msr_install_global_enqueue { job in
            guard #available(macOS 14, *) else { return }
            MultiThreadedEventLoopGroup.singleton.any().executor.enqueue(ExecutorJob(unsafeBitCast(job, to: UnownedJob.self)))
        }
        #else
        return false
        #endif
    }
}

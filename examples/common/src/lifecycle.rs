//! The two moments scripts and tests watch a server for: ready, and asked to stop.

use std::io::Write as _;
use std::net::SocketAddr;

/// Prints `listening on http://ADDR` and flushes it: the line the examples' tests (and any
/// script starting them with port 0) wait for before connecting.
///
/// Call it with the address actually bound (port 0 replaced), once the socket listens:
/// connections made from then on wait in its backlog until the server accepts them.
///
/// ```
/// example_common::announce("127.0.0.1:8000".parse().unwrap())?;
/// # Ok::<(), String>(())
/// ```
pub fn announce(addr: SocketAddr) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on http://{addr}")
        .and_then(|()| stdout.flush())
        .map_err(|error| format!("cannot write to stdout: {error}"))
}

/// A future resolving on the first SIGTERM or Ctrl-C (SIGINT), for the framework's graceful
/// shutdown. Needs a tokio runtime with I/O enabled.
///
/// The handlers are installed when this returns, not when the future is first polled: call it
/// before [`announce`], so that a signal sent right after the announcement shuts down gracefully
/// (exit code 0) instead of killing the process.
///
/// ```no_run
/// # async fn serve() -> Result<(), String> {
/// let shutdown = example_common::shutdown_signal()?;
/// example_common::announce("127.0.0.1:8000".parse().unwrap())?;
/// shutdown.await; // or hand it to the framework
/// # Ok(())
/// # }
/// ```
#[cfg(unix)]
pub fn shutdown_signal() -> Result<impl Future<Output = ()> + Send + 'static, String> {
    use tokio::signal::unix::{SignalKind, signal};

    let cannot = |error| format!("cannot listen for signals: {error}");
    let mut terminate = signal(SignalKind::terminate()).map_err(cannot)?;
    let mut interrupt = signal(SignalKind::interrupt()).map_err(cannot)?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
    })
}

/// A future resolving on the first Ctrl-C, for the framework's graceful shutdown.
#[cfg(not(unix))]
pub fn shutdown_signal() -> Result<impl Future<Output = ()> + Send + 'static, String> {
    let ctrl_c = tokio::signal::ctrl_c();
    Ok(async move {
        let _ = ctrl_c.await;
    })
}

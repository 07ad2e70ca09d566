//! The HTTP/1 server the axum and warp examples run their app on (feature `hyper`).
//!
//! `axum::serve` and `warp::serve` are hyper underneath, and so is this, with one thing they
//! cannot be asked for: a header-read timeout. hyper has one (30 s by default), but it takes
//! effect only with a timer, which neither sets, so a client that never finishes its headers
//! keeps its connection for as long as it likes.

use std::future::Future;
use std::io;
use std::pin::pin;
use std::time::Duration;

use hyper::body::{Body, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use smoketest_http::PeerAddr;
use tokio::net::TcpListener;
use tower_service::Service;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Serves `app` (a tower service: an axum `Router`, `warp::service(routes)`) on the connections
/// of `listener`, over HTTP/1.1, until `shutdown` resolves; then stops accepting and waits for
/// the requests in flight.
///
/// A client gets `header_timeout` to send each request's head (request line and headers; for a
/// kept-alive connection, counted from the end of the previous response); then hyper closes the
/// connection, sending nothing. Each request carries the client's address as a [`PeerAddr`]
/// extension, which the smoke tests' glue for axum and warp reads.
///
/// `examples/axum/src/main.rs` serves an axum `Router` with it, `examples/warp/src/main.rs`
/// `warp::service(routes)`.
pub async fn serve<S, B>(
    listener: TcpListener,
    app: S,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) where
    S: Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    pause_after(&error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service = service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(PeerAddr(peer));
            let mut app = app.clone();
            async move {
                std::future::poll_fn(|cx| app.poll_ready(cx)).await?;
                app.call(request).await
            }
        });
        let builder = builder.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            // Not `serve_connection_with_upgrades`: that one first reads up to 24 bytes to tell
            // HTTP/2 from HTTP/1 with no timer, so a client that sends nothing would hold its
            // connection past the header timeout.
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            // How a connection ends (the client hung up, or took too long with its headers) is
            // the client's business: nothing for the server's log.
            let _ = watcher.watch(connection).await;
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// After a failed `accept`: nothing for an error of the one connection, which is gone; after any
/// other (such as too many open files), a pause, so that the loop does not spin while the
/// condition lasts.
async fn pause_after(error: &io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if !matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        eprintln!("cannot accept a connection: {error}");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

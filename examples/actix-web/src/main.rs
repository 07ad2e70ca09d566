//! `example-actix-web [--addr HOST:PORT]`: the demo bookshop, served with actix-web 4, with its
//! smoke tests at `/smoketest/` (fast tier) and `/smoketest/slow/` (every test).
//!
//! Opens the database the way the bookshop does (`$SMOKETEST_DEMO_DB`, created and seeded on
//! first start), prints `listening on http://ADDR` once it accepts connections, and stops
//! cleanly, exit code 0, on SIGTERM or Ctrl-C.
//!
//! ```text
//! $ example-actix-web --addr 127.0.0.1:8000 &
//! listening on http://127.0.0.1:8000
//! $ curl http://127.0.0.1:8000/smoketest/
//! PASS
//! test classes: 3
//! tests run: 8
//! ...
//! ```

use std::io::Write as _;
use std::net::{SocketAddr, ToSocketAddrs};
use std::process::ExitCode;

use actix_web::{App, HttpResponse, HttpServer, web};
use smoketest_demo::{Config, Store};
use tokio::signal::unix::{SignalKind, signal};

const USAGE: &str = "usage: example-actix-web [--addr HOST:PORT]";

/// Where to listen when `--addr` is not given.
const DEFAULT_ADDR: &str = "127.0.0.1:8000";

fn main() -> ExitCode {
    let addr = match parse_addr(std::env::args().skip(1)) {
        Ok(addr) => addr,
        Err(message) => {
            eprintln!("example-actix-web: {message}");
            return ExitCode::from(2);
        }
    };
    // actix-web runs on its own runtime: one current-thread tokio runtime per worker, and this
    // one for the server itself.
    match actix_web::rt::System::new().block_on(serve(addr)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("example-actix-web: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The address from `--addr HOST:PORT` or `--addr=HOST:PORT`, else [`DEFAULT_ADDR`].
fn parse_addr(args: impl IntoIterator<Item = String>) -> Result<Vec<SocketAddr>, String> {
    let mut addr = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let value = match arg.strip_prefix("--addr") {
            Some("") => args.next().ok_or("--addr needs a value, HOST:PORT")?,
            Some(rest) if rest.starts_with('=') => rest[1..].to_owned(),
            _ => return Err(format!("unknown argument {arg:?}; {USAGE}")),
        };
        addr = Some(value);
    }
    let addr = addr.unwrap_or_else(|| DEFAULT_ADDR.to_owned());
    match addr.to_socket_addrs() {
        Ok(addrs) => Ok(addrs.collect()),
        Err(error) => Err(format!("bad --addr {addr:?}: {error}; use HOST:PORT")),
    }
}

/// Serves the bookshop at `addr` until SIGTERM or Ctrl-C.
async fn serve(addr: Vec<SocketAddr>) -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_env();
    let store = Store::open(&config.db_path)
        .map_err(|error| format!("cannot open {}: {error}", config.db_path.display()))?;
    let runner = smoketest::Runner::new()
        .with_state(store)
        .with_state(config);

    // Registered before the first connection, so a SIGTERM right after start is not lost.
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let stop = async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
    };
    let server = HttpServer::new(move || {
        App::new()
            .service(smoketest_http::actix_web::scope(
                "/smoketest",
                runner.clone(),
            ))
            .route(
                "/",
                web::get().to(|| async { HttpResponse::Ok().body("bookshop is up\n") }),
            )
    })
    .shutdown_signal(stop)
    // In-flight requests get this long to finish after the signal; idle keep-alive connections
    // close by themselves within actix's 5 s keep-alive.
    .shutdown_timeout(5)
    .bind(&addr[..])?;
    let bound = server.addrs();
    let server = server.run();

    let mut stdout = std::io::stdout().lock();
    if let Some(addr) = bound.first() {
        writeln!(stdout, "listening on http://{addr}")?;
    }
    stdout.flush()?;
    drop(stdout);

    server.await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Vec<SocketAddr>, String> {
        parse_addr(args.iter().map(|arg| (*arg).to_owned()))
    }

    #[test]
    fn addr_defaults_to_port_8000_on_loopback() {
        assert_eq!(parse(&[]).unwrap(), ["127.0.0.1:8000".parse().unwrap()]);
    }

    #[test]
    fn addr_is_read_in_both_spellings() {
        assert_eq!(
            parse(&["--addr", "127.0.0.1:0"]).unwrap(),
            ["127.0.0.1:0".parse().unwrap()]
        );
        assert_eq!(
            parse(&["--addr=0.0.0.0:80"]).unwrap(),
            ["0.0.0.0:80".parse().unwrap()]
        );
    }

    #[test]
    fn a_bad_or_missing_addr_is_a_usage_error() {
        assert_eq!(
            parse(&["--addr"]).unwrap_err(),
            "--addr needs a value, HOST:PORT"
        );
        assert!(
            parse(&["--addr", "nonsense"])
                .unwrap_err()
                .starts_with("bad --addr \"nonsense\"")
        );
        assert!(
            parse(&["--port", "80"])
                .unwrap_err()
                .starts_with("unknown argument \"--port\"")
        );
    }
}

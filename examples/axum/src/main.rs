//! `example-axum [--addr HOST:PORT]`: the demo bookshop on axum 0.8, with its smoke tests at
//! `/smoketest/` (fast tier) and `/smoketest/slow/` (every test).
//!
//! Mounting the smoke tests is the one `nest_service` line in [`app`]. The bookshop's database
//! is `$SMOKETEST_DEMO_DB` (created and seeded on first start). Prints `listening on http://ADDR`
//! once it accepts connections, and shuts down gracefully on SIGTERM or Ctrl-C.
//!
//! ```text
//! $ example-axum --addr 127.0.0.1:8000 &
//! listening on http://127.0.0.1:8000
//! $ curl http://127.0.0.1:8000/smoketest/
//! PASS
//! test classes: 3
//! tests run: 8
//! ...
//! ```

use std::ffi::OsString;
use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs as _};
use std::process::ExitCode;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use smoketest_demo::{Config, Store};

const USAGE: &str = "\
usage: example-axum [--addr HOST:PORT]

Serves the demo bookshop and its smoke tests (GET /smoketest/, GET /smoketest/slow/).

options:
  --addr HOST:PORT   the address to listen on; default 127.0.0.1:8000 (port 0: any free port)

environment:
  SMOKETEST_DEMO_DB  the bookshop's SQLite database (created on first start)
";

const DEFAULT_ADDR: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8000);

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Help,
    Serve(SocketAddr),
}

fn main() -> ExitCode {
    let addr = match parse(std::env::args_os().skip(1)) {
        Ok(Command::Serve(addr)) => addr,
        Ok(Command::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("example-axum: {message} (see --help)");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("example-axum: cannot start the tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(addr)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("example-axum: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Parses the arguments after the program name.
fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    let mut addr = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let arg = arg
            .into_string()
            .map_err(|arg| format!("argument {arg:?} is not valid UTF-8"))?;
        let value = match arg.as_str() {
            "--help" | "-h" => return Ok(Command::Help),
            "--addr" => args
                .next()
                .ok_or("--addr needs a value, e.g. --addr 127.0.0.1:8000")?
                .into_string()
                .map_err(|value| format!("--addr value {value:?} is not valid UTF-8"))?,
            _ => match arg.strip_prefix("--addr=") {
                Some(value) => value.to_owned(),
                None => return Err(format!("unknown argument {arg:?}")),
            },
        };
        addr = Some(resolve(&value)?);
    }
    Ok(Command::Serve(addr.unwrap_or(DEFAULT_ADDR)))
}

/// The first address `HOST:PORT` stands for (`HOST` an IP address or a name such as `localhost`).
fn resolve(value: &str) -> Result<SocketAddr, String> {
    let bad = || format!("--addr value {value:?} is not HOST:PORT, e.g. 127.0.0.1:8000");
    value
        .to_socket_addrs()
        .map_err(|_| bad())?
        .next()
        .ok_or_else(bad)
}

/// The bookshop: `GET /`, `GET /books`, and its smoke tests below `/smoketest`.
fn app(store: Store, config: Config) -> Router {
    let runner = smoketest::Runner::new()
        .with_state(store.clone())
        .with_state(config);
    Router::new()
        .route("/", get(|| async { "bookshop is up\n" }))
        .route("/books", get(list_books))
        .with_state(store)
        .nest_service("/smoketest", smoketest_http::axum::service(runner))
}

/// Serves the bookshop on `addr` until SIGTERM or Ctrl-C.
async fn serve(addr: SocketAddr) -> Result<(), String> {
    // Listen for signals before announcing the address, so that a signal sent right after the
    // announcement shuts down gracefully instead of killing the process.
    let shutdown =
        shutdown_signal().map_err(|error| format!("cannot listen for signals: {error}"))?;

    let config = Config::from_env();
    let store = Store::open(&config.db_path).map_err(|error| {
        format!(
            "cannot open the database {}: {error}",
            config.db_path.display()
        )
    })?;

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|error| format!("cannot listen on {addr}: {error}"))?;
    let bound = listener
        .local_addr()
        .map_err(|error| format!("cannot read the bound address: {error}"))?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on http://{bound}")
        .and_then(|()| stdout.flush())
        .map_err(|error| format!("cannot write to stdout: {error}"))?;
    drop(stdout);

    axum::serve(listener, app(store, config))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|error| format!("serving on {bound} failed: {error}"))
}

/// `GET /books`: one title per line.
async fn list_books(State(store): State<Store>) -> Result<String, (StatusCode, String)> {
    // rusqlite blocks; keep it off the async workers.
    match tokio::task::spawn_blocking(move || store.books()).await {
        Ok(Ok(books)) => Ok(books
            .iter()
            .map(|book| format!("{}\n", book.title))
            .collect()),
        Ok(Err(error)) => Err((
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot list books: {error}\n"),
        )),
        Err(_) => Err((
            StatusCode::INTERNAL_SERVER_ERROR,
            "cannot list books: the query panicked\n".to_owned(),
        )),
    }
}

/// Resolves on the first SIGTERM or Ctrl-C; the handlers are installed when this returns.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};

    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
    })
}

/// Resolves on the first Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    let ctrl_c = tokio::signal::ctrl_c();
    Ok(async move {
        let _ = ctrl_c.await;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_args(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(OsString::from))
    }

    #[test]
    fn addr_defaults_to_port_8000() {
        assert_eq!(
            parse_args(&[]),
            Ok(Command::Serve("127.0.0.1:8000".parse().unwrap()))
        );
    }

    #[test]
    fn addr_is_read_with_or_without_equals() {
        let expected = Ok(Command::Serve("0.0.0.0:9000".parse().unwrap()));
        assert_eq!(parse_args(&["--addr", "0.0.0.0:9000"]), expected);
        assert_eq!(parse_args(&["--addr=0.0.0.0:9000"]), expected);
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        assert_eq!(
            parse_args(&["--addr"]),
            Err("--addr needs a value, e.g. --addr 127.0.0.1:8000".into())
        );
        assert_eq!(
            parse_args(&["--addr", "127.0.0.1"]),
            Err("--addr value \"127.0.0.1\" is not HOST:PORT, e.g. 127.0.0.1:8000".into())
        );
        assert_eq!(
            parse_args(&["--port", "1"]),
            Err("unknown argument \"--port\"".into())
        );
    }
}

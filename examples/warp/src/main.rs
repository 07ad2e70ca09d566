//! `example-warp [--addr HOST:PORT]`: the demo bookshop on warp 0.4, with its smoke tests at
//! `/smoketest/` (fast tier) and `/smoketest/slow/` (every test).
//!
//! Mounting the smoke tests is the one line building `routes` in [`serve`]. The bookshop's database
//! is `$SMOKETEST_DEMO_DB` (created and seeded on first start). Prints `listening on http://ADDR`
//! once it accepts connections, and shuts down gracefully on SIGTERM or Ctrl-C.
//!
//! ```text
//! $ example-warp --addr 127.0.0.1:8000 &
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

use smoketest_demo::{Config, Store};
use warp::Filter as _;

const USAGE: &str = "\
usage: example-warp [--addr HOST:PORT]

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
            eprintln!("example-warp: {message} (see --help)");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("example-warp: cannot start the tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(addr)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("example-warp: {message}");
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
    let runner = smoketest::Runner::new()
        .with_state(store.clone())
        .with_state(config);

    let index = warp::get()
        .and(warp::path::end())
        .map(|| "bookshop is up\n");
    let books = warp::get()
        .and(warp::path!("books"))
        .then(move || list_books(store.clone()));
    let routes = smoketest_http::warp::filter("smoketest", runner)
        .or(index)
        .or(books);

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

    warp::serve(routes)
        .incoming(listener)
        .graceful(shutdown)
        .run()
        .await;
    Ok(())
}

/// `GET /books`: one title per line.
async fn list_books(store: Store) -> warp::reply::Response {
    use warp::Reply as _;
    // rusqlite blocks; keep it off the async workers.
    match tokio::task::spawn_blocking(move || store.books()).await {
        Ok(Ok(books)) => books
            .iter()
            .map(|book| format!("{}\n", book.title))
            .collect::<String>()
            .into_response(),
        Ok(Err(error)) => {
            let reply = format!("cannot list books: {error}\n");
            warp::reply::with_status(reply, warp::http::StatusCode::INTERNAL_SERVER_ERROR)
                .into_response()
        }
        Err(_) => warp::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
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

//! The examples' command line, `PROGRAM [--addr HOST:PORT]`, and what `main` does with it.

use std::ffi::OsString;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs as _};
use std::process::ExitCode;

/// Where an example listens when `--addr` is not given: `127.0.0.1:8000`.
pub const DEFAULT_ADDR: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8000);

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// `--help` or `-h`: print the [`usage`] and exit 0.
    Help,
    /// Serve on this address: the last `--addr`, else [`DEFAULT_ADDR`].
    Serve(SocketAddr),
}

impl Command {
    /// Parses the arguments after the program name: `--addr HOST:PORT`, `--addr=HOST:PORT`,
    /// `--help`. `HOST` may be a name such as `localhost`; its first address is taken.
    ///
    /// The error is one line saying what is wrong, for the program to print after its name.
    ///
    /// ```
    /// use example_common::{Command, DEFAULT_ADDR};
    ///
    /// assert_eq!(Command::parse(["--addr=0.0.0.0:80"]), Ok(Command::Serve("0.0.0.0:80".parse().unwrap())));
    /// assert_eq!(Command::parse(Vec::<String>::new()), Ok(Command::Serve(DEFAULT_ADDR)));
    /// assert_eq!(Command::parse(["--port", "80"]), Err("unknown argument \"--port\"".to_owned()));
    /// ```
    pub fn parse<I>(args: I) -> Result<Command, String>
    where
        I: IntoIterator,
        I::Item: Into<OsString>,
    {
        let mut addr = None;
        let mut args = args.into_iter().map(Into::into);
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

/// What `PROGRAM --help` prints.
///
/// ```
/// assert!(example_common::usage("example-axum").starts_with("usage: example-axum [--addr HOST:PORT]\n"));
/// ```
pub fn usage(program: &str) -> String {
    format!(
        "\
usage: {program} [--addr HOST:PORT]

Serves the demo bookshop and its smoke tests (GET /smoketest/, GET /smoketest/slow/).

options:
  --addr HOST:PORT   the address to listen on; default 127.0.0.1:8000 (port 0: any free port)

environment:
  DATABASE_URL       the bookshop's database: a SQLite path, sqlite://PATH or postgres://...
  SMOKETEST_DEMO_DB  the same, when DATABASE_URL is unset; default: a SQLite file in the
                     temporary directory (created and seeded on first start)
"
    )
}

/// The whole `main` of an example called `program`: reads the command line, then calls `serve`
/// with the address to listen on.
///
/// `--help` prints the [`usage`] and exits 0; a bad argument is one line on stderr and exit code
/// 2 (a usage error); an error from `serve` is one line on stderr and exit code 1.
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     example_common::run("example-minimal", |addr| {
///         // Start a runtime, bind `addr`, serve until the shutdown signal.
///         Err(format!("nothing to serve on {addr}"))
///     })
/// }
/// ```
pub fn run(program: &str, serve: impl FnOnce(SocketAddr) -> Result<(), String>) -> ExitCode {
    let addr = match Command::parse(std::env::args_os().skip(1)) {
        Ok(Command::Serve(addr)) => addr,
        Ok(Command::Help) => {
            print!("{}", usage(program));
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{program}: {message} (see --help)");
            return ExitCode::from(2);
        }
    };
    match serve(addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{program}: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        Command::parse(args.iter().copied())
    }

    #[test]
    fn addr_defaults_to_port_8000_on_loopback() {
        assert_eq!(
            parse(&[]),
            Ok(Command::Serve("127.0.0.1:8000".parse().unwrap()))
        );
    }

    #[test]
    fn addr_is_read_with_or_without_equals() {
        let expected = Ok(Command::Serve("0.0.0.0:9000".parse().unwrap()));
        assert_eq!(parse(&["--addr", "0.0.0.0:9000"]), expected);
        assert_eq!(parse(&["--addr=0.0.0.0:9000"]), expected);
        assert_eq!(
            parse(&["--addr", "127.0.0.1:0"]),
            Ok(Command::Serve("127.0.0.1:0".parse().unwrap()))
        );
    }

    #[test]
    fn the_last_addr_wins() {
        assert_eq!(
            parse(&["--addr", "127.0.0.1:1", "--addr=127.0.0.1:2"]),
            Ok(Command::Serve("127.0.0.1:2".parse().unwrap()))
        );
    }

    #[test]
    fn a_host_name_is_resolved() {
        let Ok(Command::Serve(addr)) = parse(&["--addr", "localhost:8000"]) else {
            panic!("localhost:8000 is not an address");
        };
        assert!(addr.ip().is_loopback(), "{addr}");
        assert_eq!(addr.port(), 8000);
    }

    #[test]
    fn help_is_asked_for_with_either_flag_wherever_it_stands() {
        assert_eq!(parse(&["--help"]), Ok(Command::Help));
        assert_eq!(parse(&["-h"]), Ok(Command::Help));
        assert_eq!(
            parse(&["--addr", "127.0.0.1:1", "--help"]),
            Ok(Command::Help)
        );
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        assert_eq!(
            parse(&["--addr"]),
            Err("--addr needs a value, e.g. --addr 127.0.0.1:8000".into())
        );
        assert_eq!(
            parse(&["--addr", "127.0.0.1"]),
            Err("--addr value \"127.0.0.1\" is not HOST:PORT, e.g. 127.0.0.1:8000".into())
        );
        assert_eq!(
            parse(&["--addr", "nonsense"]),
            Err("--addr value \"nonsense\" is not HOST:PORT, e.g. 127.0.0.1:8000".into())
        );
        assert_eq!(
            parse(&["--port", "1"]),
            Err("unknown argument \"--port\"".into())
        );
        // A prefix of `--addr` is not `--addr`.
        assert_eq!(
            parse(&["--address=127.0.0.1:1"]),
            Err("unknown argument \"--address=127.0.0.1:1\"".into())
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_argument_that_is_not_utf8_is_named_in_the_error() {
        use std::os::unix::ffi::OsStringExt as _;

        let odd = OsString::from_vec(b"--addr=\xff".to_vec());
        assert_eq!(
            Command::parse([odd]),
            Err("argument \"--addr=\\xFF\" is not valid UTF-8".into())
        );
    }

    #[test]
    fn usage_names_the_program_and_the_database_variable() {
        let usage = usage("example-warp");
        assert!(
            usage.starts_with("usage: example-warp [--addr HOST:PORT]\n"),
            "{usage}"
        );
        assert!(usage.contains("SMOKETEST_DEMO_DB"), "{usage}");
    }
}

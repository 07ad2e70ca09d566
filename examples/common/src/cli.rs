//! The examples' command line, `PROGRAM [--addr HOST:PORT] [--header-timeout DURATION]`, and
//! what `main` does with it.

use std::ffi::OsString;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs as _};
use std::process::ExitCode;
use std::time::Duration;

/// Where an example listens when `--addr` is not given: `127.0.0.1:8000`.
pub const DEFAULT_ADDR: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8000);

/// How long a client gets to send a request's head (the request line and the headers) when
/// `--header-timeout` is not given: 10 s, the same in every example. Then the connection is
/// closed, by hyper (axum, warp) without a word, by actix-web after a `408 Request Timeout`.
///
/// A production server needs one: without it, a client that sends a request line and never the
/// blank line ending the headers holds a connection, and a file descriptor, for as long as it
/// likes, and a few hundred such clients starve the server (a slow-loris attack). 10 s is ample
/// for any client on a working network. With hyper it also bounds how long a kept-alive
/// connection may idle before its next request; actix-web has a keep-alive timeout of its own.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// `--help` or `-h`: print the [`usage`] and exit 0.
    Help,
    /// Serve with these options.
    Serve(Options),
}

/// How to serve: the flags of the command line, or their defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The address to listen on: the last `--addr`, else [`DEFAULT_ADDR`].
    pub addr: SocketAddr,
    /// How long a client may take to send a request's head: the last `--header-timeout`, else
    /// [`HEADER_READ_TIMEOUT`].
    pub header_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            addr: DEFAULT_ADDR,
            header_timeout: HEADER_READ_TIMEOUT,
        }
    }
}

impl Command {
    /// Parses the arguments after the program name: `--addr HOST:PORT`,
    /// `--header-timeout DURATION` (either also as `--flag=VALUE`), `--help`. `HOST` may be a
    /// name such as `localhost`; its first address is taken. `DURATION` is a number with a unit,
    /// such as `500ms`, `10s` or `1m`, and not zero.
    ///
    /// The error is one line saying what is wrong, for the program to print after its name.
    ///
    /// ```
    /// use std::time::Duration;
    /// use example_common::{Command, Options};
    ///
    /// let options = Options { addr: "0.0.0.0:80".parse().unwrap(), ..Options::default() };
    /// assert_eq!(Command::parse(["--addr=0.0.0.0:80"]), Ok(Command::Serve(options)));
    /// let options = Options { header_timeout: Duration::from_millis(500), ..Options::default() };
    /// assert_eq!(Command::parse(["--header-timeout", "500ms"]), Ok(Command::Serve(options)));
    /// assert_eq!(Command::parse(Vec::<String>::new()), Ok(Command::Serve(Options::default())));
    /// assert_eq!(Command::parse(["--port", "80"]), Err("unknown argument \"--port\"".to_owned()));
    /// ```
    pub fn parse<I>(args: I) -> Result<Command, String>
    where
        I: IntoIterator,
        I::Item: Into<OsString>,
    {
        let mut options = Options::default();
        let mut args = args.into_iter().map(Into::into);
        while let Some(arg) = args.next() {
            let arg = arg
                .into_string()
                .map_err(|arg| format!("argument {arg:?} is not valid UTF-8"))?;
            if arg == "--help" || arg == "-h" {
                return Ok(Command::Help);
            }
            let (flag, inline_value) = match arg.split_once('=') {
                Some((flag, value)) => (flag, Some(value.to_owned())),
                None => (arg.as_str(), None),
            };
            let example = match flag {
                "--addr" => "--addr 127.0.0.1:8000",
                "--header-timeout" => "--header-timeout 10s",
                _ => return Err(format!("unknown argument {arg:?}")),
            };
            let value = match inline_value {
                Some(value) => value,
                None => args
                    .next()
                    .ok_or_else(|| format!("{flag} needs a value, e.g. {example}"))?
                    .into_string()
                    .map_err(|value| format!("{flag} value {value:?} is not valid UTF-8"))?,
            };
            match flag {
                "--addr" => options.addr = resolve(&value)?,
                _ => options.header_timeout = duration(&value)?,
            }
        }
        Ok(Command::Serve(options))
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

/// The duration `--header-timeout` was given: a number with a unit, more than zero.
fn duration(value: &str) -> Result<Duration, String> {
    match humantime::parse_duration(value) {
        Ok(duration) if !duration.is_zero() => Ok(duration),
        _ => Err(format!(
            "--header-timeout value {value:?} is not a duration above zero, e.g. 10s or 500ms"
        )),
    }
}

/// What `PROGRAM --help` prints.
///
/// ```
/// assert!(example_common::usage("example-axum")
///     .starts_with("usage: example-axum [--addr HOST:PORT] [--header-timeout DURATION]\n"));
/// ```
pub fn usage(program: &str) -> String {
    format!(
        "\
usage: {program} [--addr HOST:PORT] [--header-timeout DURATION]

Serves the demo bookshop and its smoke tests (GET /smoketest/, GET /smoketest/slow/).

options:
  --addr HOST:PORT            the address to listen on; default 127.0.0.1:8000 (port 0: any
                              free port)
  --header-timeout DURATION   how long a client may take to send a request's headers before
                              its connection is closed, e.g. 500ms or 30s; default 10s

environment:
  DATABASE_URL       the bookshop's database: a SQLite path, sqlite://PATH or postgres://...
  SMOKETEST_DEMO_DB  the same, when DATABASE_URL is unset; default: a SQLite file in the
                     temporary directory (created and seeded on first start)
"
    )
}

/// The whole `main` of an example called `program`: reads the command line, then calls `serve`
/// with the [`Options`] to serve with.
///
/// `--help` prints the [`usage`] and exits 0; a bad argument is one line on stderr and exit code
/// 2 (a usage error); an error from `serve` is one line on stderr and exit code 1.
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     example_common::run("example-minimal", |options| {
///         // Start a runtime, bind `options.addr`, serve until the shutdown signal.
///         Err(format!("nothing to serve on {}", options.addr))
///     })
/// }
/// ```
pub fn run(program: &str, serve: impl FnOnce(Options) -> Result<(), String>) -> ExitCode {
    let options = match Command::parse(std::env::args_os().skip(1)) {
        Ok(Command::Serve(options)) => options,
        Ok(Command::Help) => {
            print!("{}", usage(program));
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{program}: {message} (see --help)");
            return ExitCode::from(2);
        }
    };
    match serve(options) {
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

    /// Serving on `addr`, with the default header timeout.
    fn serve_on(addr: &str) -> Result<Command, String> {
        Ok(Command::Serve(Options {
            addr: addr.parse().unwrap(),
            header_timeout: HEADER_READ_TIMEOUT,
        }))
    }

    /// Serving on the default address, with `header_timeout`.
    fn serve_with_timeout(header_timeout: Duration) -> Result<Command, String> {
        Ok(Command::Serve(Options {
            addr: DEFAULT_ADDR,
            header_timeout,
        }))
    }

    #[test]
    fn addr_defaults_to_port_8000_on_loopback() {
        assert_eq!(parse(&[]), serve_on("127.0.0.1:8000"));
    }

    #[test]
    fn addr_is_read_with_or_without_equals() {
        let expected = serve_on("0.0.0.0:9000");
        assert_eq!(parse(&["--addr", "0.0.0.0:9000"]), expected);
        assert_eq!(parse(&["--addr=0.0.0.0:9000"]), expected);
        assert_eq!(parse(&["--addr", "127.0.0.1:0"]), serve_on("127.0.0.1:0"));
    }

    #[test]
    fn the_last_addr_wins() {
        assert_eq!(
            parse(&["--addr", "127.0.0.1:1", "--addr=127.0.0.1:2"]),
            serve_on("127.0.0.1:2")
        );
    }

    #[test]
    fn a_host_name_is_resolved() {
        let Ok(Command::Serve(Options { addr, .. })) = parse(&["--addr", "localhost:8000"]) else {
            panic!("localhost:8000 is not an address");
        };
        assert!(addr.ip().is_loopback(), "{addr}");
        assert_eq!(addr.port(), 8000);
    }

    #[test]
    fn the_header_timeout_defaults_to_10_s() {
        assert_eq!(HEADER_READ_TIMEOUT, Duration::from_secs(10));
        assert_eq!(parse(&[]), serve_with_timeout(HEADER_READ_TIMEOUT));
    }

    #[test]
    fn the_header_timeout_is_a_duration_with_a_unit() {
        let half_a_second = serve_with_timeout(Duration::from_millis(500));
        assert_eq!(parse(&["--header-timeout", "500ms"]), half_a_second);
        assert_eq!(parse(&["--header-timeout=500ms"]), half_a_second);
        assert_eq!(
            parse(&["--header-timeout", "1m", "--header-timeout", "30s"]),
            serve_with_timeout(Duration::from_secs(30))
        );
        assert_eq!(
            parse(&["--header-timeout", "2s", "--addr", "127.0.0.1:1"]),
            Ok(Command::Serve(Options {
                addr: "127.0.0.1:1".parse().unwrap(),
                header_timeout: Duration::from_secs(2),
            }))
        );
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
        assert_eq!(
            parse(&["--header-timeout"]),
            Err("--header-timeout needs a value, e.g. --header-timeout 10s".into())
        );
        for value in ["10", "0s", "soon", ""] {
            assert_eq!(
                parse(&["--header-timeout", value]),
                Err(format!(
                    "--header-timeout value {value:?} is not a duration above zero, e.g. 10s or 500ms"
                )),
            );
        }
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
    fn usage_names_the_program_the_flags_and_the_database_variable() {
        let usage = usage("example-warp");
        assert!(
            usage.starts_with(
                "usage: example-warp [--addr HOST:PORT] [--header-timeout DURATION]\n"
            ),
            "{usage}"
        );
        assert!(usage.contains("SMOKETEST_DEMO_DB"), "{usage}");
        assert!(usage.contains("default 10s"), "{usage}");
    }
}

//! The command line: flags in ([`Args`]), report on stdout, exit code out.
//!
//! [`Runner::run_cli`] does it all from `main`. An app with subcommands of its own parses the
//! flags of its smoke-test subcommand with [`Args::parse_from`] and runs them with
//! [`Runner::run_args`]; [`Args::OPTIONS`] is the options part of the help, for its own.
//!
//! During a run, what tests print on stdout goes to stderr, so that stdout holds the report alone
//! (on unix; elsewhere it comes before the report on stdout).

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::render::{self, Format, NagiosState, unknown_line};
use crate::report::Report;
use crate::runner::Runner;

mod args;
mod isolated;
mod stdout;
mod warnings;

pub use self::args::{Args, UsageError};
use self::stdout::Redirect;

/// The command line's entry points: a runner's tests, run as the flags say.
impl Runner {
    /// Parses `std::env::args()`, runs, prints the report to stdout and returns the exit code:
    /// 0 PASS, 1 FAIL, 2 usage error (one line on stderr saying which).
    ///
    /// Flags: `--slow`, `--json`, `--verbose`, `--nagios`, `--junit PATH`, `--failfast`,
    /// `--apps a,b`, `--skip-apps a,b`, `--filter TEXT`, `--tag NAME`, `--exclude NAME`,
    /// `--timeout 5s`, `--concurrency N`, `--min-tests N`, `--isolate`, `--list`, `--help` (see
    /// [`Args`]).
    ///
    /// The arguments in front of the first flag are the app's own subcommand path and are left
    /// out: `myapp check --slow` and `myapp smoke run --json` work as they are, and `--help`
    /// shows `Usage: myapp check [OPTIONS]`. So an app dispatching on its first argument calls
    /// `run_cli` from its `check` branch:
    ///
    /// ```no_run
    /// use std::process::ExitCode;
    ///
    /// fn main() -> ExitCode {
    ///     match std::env::args().nth(1).as_deref() {
    ///         // `myapp check --slow --json`: the flags after `check` are smoketest's.
    ///         Some("check") => smoketest::Runner::new().run_cli(),
    ///         Some("serve") => serve(),
    ///         _ => {
    ///             eprintln!("usage: myapp check [OPTIONS] | myapp serve");
    ///             ExitCode::from(2)
    ///         }
    ///     }
    /// }
    /// # fn serve() -> ExitCode { ExitCode::SUCCESS }
    /// ```
    ///
    /// A program with no subcommand calls it from `main` directly:
    ///
    /// ```no_run
    /// fn main() -> std::process::ExitCode {
    ///     smoketest::Runner::new().run_cli()
    /// }
    /// ```
    ///
    /// As a consequence, a stray word in front of the flags (`myapp chek --slow`) is skipped
    /// too, not reported; one after a flag is a usage error. For an exact command line, use
    /// [`run_cli_from`](Runner::run_cli_from).
    ///
    /// Stdout is the report's: during the run, what tests print on stdout goes to stderr (on
    /// unix; on other platforms it comes before the report on stdout). When the selection
    /// matches no test, or no test is linked into the program at all, a `warning:` line on
    /// stderr says so; `--min-tests 1` makes that run `FAIL`. So does a line for each tag asked
    /// for that no linked test has (`warning: no test matches --tag nope; the tags in use are
    /// db, live`) and for each excluded name that is no linked test's (`warning: excluded name
    /// "x" matches no test`, also in the report's warnings).
    ///
    /// The exit code of a run whose only trouble is `warn_only` tests that failed is 0: its
    /// status is `PASS`. With `--nagios` it is 1, `WARNING`.
    pub fn run_cli(self) -> std::process::ExitCode {
        self.run_cli_from(flags(std::env::args().skip(1)))
    }

    /// [`run_cli`](Runner::run_cli) with exactly the flags given (without the program name or
    /// subcommand; nothing is skipped), for apps that pick the flags out of their command line
    /// themselves.
    pub fn run_cli_from<I, S>(self, args: I) -> std::process::ExitCode
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        futures_executor::block_on(self.run_cli_async_from(args))
    }

    /// The async twin of [`run_cli`](Runner::run_cli), for an async `main` whose tests need the
    /// app's runtime (with tokio: `#[tokio::main] async fn main() -> ExitCode { … }`):
    ///
    /// ```no_run
    /// async fn check() -> std::process::ExitCode {
    ///     smoketest::Runner::new().run_cli_async().await
    /// }
    /// ```
    ///
    /// Like [`run_cli`](Runner::run_cli), it leaves out the arguments in front of the first
    /// flag (the app's subcommand path, as in `myapp check --slow`).
    pub async fn run_cli_async(self) -> std::process::ExitCode {
        self.run_cli_async_from(flags(std::env::args().skip(1)))
            .await
    }

    /// [`run_cli_async`](Runner::run_cli_async) with the flags given (without the program name).
    pub async fn run_cli_async_from<I, S>(self, args: I) -> std::process::ExitCode
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        run(self, args.into_iter().map(Into::into).collect()).await
    }

    /// Runs the command line `args`, parsed already, as [`run_cli`](Runner::run_cli) does: for
    /// an app that parses the flags of its smoke-test subcommand itself with
    /// [`Args::parse_from`], to look at them or change them first.
    ///
    /// ```no_run
    /// use smoketest::{Runner, cli::Args};
    ///
    /// fn check(flags: &[String]) -> std::process::ExitCode {
    ///     match Args::parse_from(flags) {
    ///         Ok(args) => Runner::new().run_args(args),
    ///         Err(error) => error.print(),
    ///     }
    /// }
    /// ```
    pub fn run_args(self, args: Args) -> std::process::ExitCode {
        futures_executor::block_on(self.run_args_async(args))
    }

    /// The async twin of [`run_args`](Runner::run_args).
    pub async fn run_args_async(self, args: Args) -> std::process::ExitCode {
        run_args(self, args).await
    }
}

/// The program's arguments from the first flag on: what precedes it is the app's subcommand path
/// (`check` in `myapp check --slow`). A flag is an argument that starts with `-`; `--` counts,
/// so `myapp check -- x` still reports `x`.
fn flags(args: impl Iterator<Item = String>) -> Vec<String> {
    args.skip_while(|arg| !arg.starts_with('-')).collect()
}

/// Runs the command line `args` (without the program name) and returns the exit code.
pub(crate) async fn run(runner: Runner, args: Vec<String>) -> ExitCode {
    match Args::parse_from(args) {
        Ok(args) => run_args(runner, args).await,
        Err(error) => error.print(),
    }
}

/// Runs what `args` ask for and returns the exit code.
pub(crate) async fn run_args(runner: Runner, args: Args) -> ExitCode {
    if crate::isolate::is_child() {
        // Only the selection counts here: the parent prints the report. The events go to the
        // original stdout, what tests print to stderr, which is the parent's.
        let redirect = Redirect::stdout_to_stderr();
        return isolated::serve(args.apply(runner), redirect.original()).await;
    }
    if args.help {
        args.print_help();
        return ExitCode::SUCCESS;
    }
    let mut runner = args.apply(runner);
    for line in warnings::selection(&args, &runner) {
        eprintln!("{line}");
    }
    if args.list {
        let mut stdout = std::io::stdout().lock();
        for name in runner.test_names(args.tier) {
            let _ = writeln!(stdout, "{name}");
        }
        return ExitCode::SUCCESS;
    }
    if args.isolate {
        runner = runner.isolate(crate::isolate::cli_child_args());
    }
    // Created before the run, so a path that can't be written costs no test run.
    let junit = match &args.junit {
        Some(path) => match File::create(path) {
            Ok(file) => Some((path, file)),
            Err(error) => return junit_failed(&args, &mut std::io::stdout(), path, &error),
        },
        None => None,
    };
    let redirect = Redirect::stdout_to_stderr();
    // Reports leave the process here (stdout, the JUnit file): credentials and the runner's
    // secrets in messages, locations, backtraces and captured output are redacted first, as over
    // HTTP.
    let report = runner.run_async(args.tier).await;
    let report = report.redacted(runner.redacts_with());
    let rendered = render(&args, &report);
    let mut stdout = redirect.original();
    if let (Some((path, mut file)), Some(xml)) = (junit, &rendered.junit) {
        if let Err(error) = file.write_all(xml.as_bytes()) {
            if !args.nagios {
                print(&mut stdout, &rendered.stdout);
            }
            return junit_failed(&args, &mut stdout, path, &error);
        }
    }
    print(&mut stdout, &rendered.stdout);
    if args.nagios {
        ExitCode::from(NagiosState::of(&report).exit_code())
    } else if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// A report as the command line delivers it.
struct Rendered {
    /// For stdout: text, verbose text, JSON or the Nagios status line.
    stdout: String,
    /// The JUnit XML, when `--junit` asks for it.
    junit: Option<String>,
}

/// Every rendering of the report the CLI prints or writes.
fn render(args: &Args, report: &Report) -> Rendered {
    let format = if args.nagios {
        Format::Nagios
    } else if args.json {
        Format::Json
    } else {
        Format::Text
    };
    let options = render::Options::new().verbose(args.verbose);
    let mut stdout = render::render(report, format, &options).body;
    if !stdout.ends_with('\n') {
        stdout.push('\n');
    }
    let junit = args.junit.as_ref().map(|_| report.render(Format::JUnit));
    Rendered { stdout, junit }
}

fn print(stdout: &mut dyn Write, text: &str) {
    // A closed stdout (`| head`) must not turn a passing run into a panic or a failure.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// The JUnit file is an output the command line asked for: not delivering it is an environment
/// error (exit 2, or `UNKNOWN` with `--nagios`) whatever the tests did.
fn junit_failed(
    args: &Args,
    stdout: &mut dyn Write,
    path: &Path,
    error: &std::io::Error,
) -> ExitCode {
    let reason = format!(
        "cannot write the JUnit report to {}: {error}",
        path.display()
    );
    if args.nagios {
        unknown(stdout, &reason)
    } else {
        eprintln!("error: {reason}");
        ExitCode::from(2)
    }
}

/// Prints `SMOKETEST UNKNOWN - <reason>` on `stdout`, where Nagios reads it, and returns 3.
fn unknown(stdout: &mut dyn Write, reason: &str) -> ExitCode {
    print(stdout, &format!("{}\n", unknown_line(reason)));
    ExitCode::from(NagiosState::Unknown.exit_code())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|word| (*word).to_owned()).collect()
    }

    #[test]
    fn the_subcommand_path_in_front_of_the_flags_is_left_out() {
        let flags = |words: &[&str]| flags(strings(words).into_iter());
        assert_eq!(flags(&["check", "--slow"]), ["--slow"]);
        assert_eq!(flags(&["smoke", "run", "--json", "x"]), ["--json", "x"]);
        assert_eq!(flags(&["--filter", "db"]), ["--filter", "db"]);
        assert_eq!(flags(&["check"]), Vec::<String>::new());
        assert_eq!(flags(&["check", "-v"]), ["-v"]);
        assert_eq!(flags(&["check", "--", "x"]), ["--", "x"]);
    }
}

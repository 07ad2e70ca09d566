//! The command line's flags: [`Args`], their parse and their help text.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use crate::apps::split_list;
use crate::runner::Runner;
use crate::tier::Tier;

/// The flags of smoketest's command line, parsed: what [`Runner::run_cli`] reads from
/// `std::env::args()`.
///
/// An app with subcommands of its own parses the flags of its smoke-test subcommand with
/// [`parse_from`](Args::parse_from) and runs them with [`Runner::run_args`], or shows
/// [`Args::OPTIONS`] in its own help:
///
/// ```no_run
/// use std::process::ExitCode;
/// use smoketest::Runner;
/// use smoketest::cli::Args;
///
/// fn main() -> ExitCode {
///     let argv: Vec<String> = std::env::args().collect();
///     match argv.get(1).map(String::as_str) {
///         Some("check") => match Args::parse_from(&argv[2..]) {
///             // `myapp check --help` shows `Usage: myapp check [OPTIONS]` and the options.
///             Ok(args) => Runner::new().run_args(args),
///             Err(error) => error.print(),
///         },
///         _ => {
///             eprintln!("usage: myapp check [OPTIONS]\n\n{}", Args::OPTIONS);
///             ExitCode::from(2)
///         }
///     }
/// }
/// ```
///
/// The fields are public to read and to change before the run; more flags will come, so the
/// struct is `#[non_exhaustive]`: get one from [`parse_from`](Args::parse_from) or
/// [`Args::default`] (no flags given).
///
/// ```
/// use std::time::Duration;
/// use smoketest::{Tier, cli::Args};
///
/// let mut args = Args::parse_from(["--slow", "--filter", "db", "--timeout=5s"]).unwrap();
/// assert_eq!(args.tier, Tier::Slow);
/// assert_eq!(args.filters, ["db"]);
/// assert_eq!(args.timeout, Some(Duration::from_secs(5)));
/// args.concurrency = Some(4);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Args {
    /// `--slow`: [`Tier::Slow`], every test; [`Tier::Fast`] without it.
    pub tier: Tier,
    /// `--json`: the report as JSON.
    pub json: bool,
    /// `--verbose`, `-v`: the text report with a line per test.
    pub verbose: bool,
    /// `--nagios`: one Nagios plugin status line, and Nagios exit codes. Set when any argument is
    /// `--nagios` (or starts with `--nagios=`), so that even a usage error is reported the Nagios
    /// way.
    pub nagios: bool,
    /// `--junit PATH`: also write the report as JUnit XML to this file.
    pub junit: Option<PathBuf>,
    /// `--failfast`: start no test after the first failure or error.
    pub failfast: bool,
    /// `--apps A,B`: only tests under these crate or module paths.
    pub apps: Option<Vec<String>>,
    /// `--skip-apps A,B`: no test under these crate or module paths.
    pub skip_apps: Option<Vec<String>>,
    /// `--filter TEXT`, repeatable: only tests whose name contains one of these.
    pub filters: Vec<String>,
    /// `--tag NAME`, repeatable (or `--tag a,b`): only tests with at least one of these tags.
    /// `None` without the flag, when the environment's `SMOKETEST_TAGS` holds.
    pub tags: Option<Vec<String>>,
    /// `--exclude NAME`, repeatable: the exact full names of tests to leave out (see
    /// [`Runner::exclude`]).
    pub excluded: Vec<String>,
    /// `--timeout DURATION`: the time limit of tests without their own.
    pub timeout: Option<Duration>,
    /// `--concurrency N`: how many tests run at once.
    pub concurrency: Option<usize>,
    /// `--min-tests N`: a run that selects fewer tests is `FAIL` (see [`Runner::min_tests`]);
    /// 0 is no minimum. Without the flag, the runner's own setting holds.
    pub min_tests: Option<usize>,
    /// `--isolate`: run the tests in a child process (see [`Runner::isolate`]).
    pub isolate: bool,
    /// `--list`: print the names of the selected tests instead of running them.
    pub list: bool,
    /// `--help`, `-h`: print [`help`](Args::help) instead of running the tests.
    pub help: bool,
    /// How the program was invoked, up to these flags: `myapp check` when the flags came after
    /// `myapp check`. The usage line of [`help`](Args::help) starts with it; when empty, with
    /// the program's file name.
    pub invocation: String,
}

/// A command line that can't be run. Its [`Display`](fmt::Display) is the one line the CLI
/// prints on stderr: `error: <what is wrong> (see --help)`.
///
/// ```
/// let error = smoketest::cli::Args::parse_from(["--concurrency", "0"]).unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "error: --concurrency \"0\" is not a number of tests, 1 or more (see --help)"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageError {
    reason: String,
    nagios: bool,
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {} (see --help)", self.reason)
    }
}

impl std::error::Error for UsageError {}

impl UsageError {
    /// What is wrong, without the `error:` and `(see --help)` around it.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// Whether the command line asked for Nagios output (a `--nagios` anywhere in it), so that
    /// the error is to be reported as a Nagios `UNKNOWN` status.
    pub fn nagios(&self) -> bool {
        self.nagios
    }

    /// Reports the error as the CLI does and returns the exit code to end with: the error on
    /// stderr and 2, or, with `--nagios`, `SMOKETEST UNKNOWN - <reason>` on stdout and 3.
    pub fn print(&self) -> ExitCode {
        if self.nagios {
            super::unknown(&mut std::io::stdout().lock(), &self.reason)
        } else {
            eprintln!("{self}");
            ExitCode::from(2)
        }
    }
}

impl Args {
    /// The options part of the help: one line or two per flag. For an app that writes its own
    /// help around smoketest's flags.
    ///
    /// ```
    /// assert!(smoketest::cli::Args::OPTIONS.contains("  --junit PATH  "));
    /// ```
    pub const OPTIONS: &'static str = "\
Options:
  --slow              run all tests, including those marked `slow` (default: the fast tier)
  --json              print the report as JSON instead of text
  --verbose, -v       add a line per test with its outcome and time (text only)
  --nagios            print one Nagios plugin status line with performance data instead
  --junit PATH        also write the report as JUnit XML to PATH
  --failfast          stop starting tests after the first failure or error
  --apps A,B          run only tests under these crate or module paths (env: SMOKETEST_APPS)
  --skip-apps A,B     skip tests under these crate or module paths (env: SMOKETEST_SKIP_APPS)
  --filter TEXT       run only tests whose name contains TEXT (repeatable)
  --tag NAME          run only tests tagged NAME (repeatable: any of them; env: SMOKETEST_TAGS)
  --exclude NAME      leave out the test of exactly this full name (repeatable)
  --timeout DURATION  time limit per test without its own, e.g. 500ms, 5s, 1m (default: 10s)
  --concurrency N     how many tests run at once; 1 runs them one by one (default: 64)
  --min-tests N       fail when fewer than N tests are selected; 0: no minimum (default: 0)
  --isolate           run the tests in a child process of this program, so that a test that
                      ends the process (exit, abort, stack overflow) is reported as errored
  --list              print the names of the selected tests and exit
  --help, -h          print this help and exit
";

    /// The flags that take a value as the next argument (`--filter TEXT`), or after `=`.
    const WITH_VALUE: &'static [&'static str] = &[
        "--junit",
        "--apps",
        "--skip-apps",
        "--filter",
        "--tag",
        "--exclude",
        "--timeout",
        "--concurrency",
        "--min-tests",
    ];

    /// Whether `arg` is one of smoketest's flags that takes the next argument as its value:
    /// `--filter` does, `--filter=x` and `--slow` don't. For an app that picks its own flags out
    /// of a command line before handing the rest to [`parse_from`](Args::parse_from), so that
    /// it doesn't take the value of `--filter --db` for its `--db`.
    ///
    /// ```
    /// use smoketest::cli::Args;
    /// assert!(Args::takes_value("--filter"));
    /// assert!(!Args::takes_value("--filter=db"));
    /// assert!(!Args::takes_value("--slow"));
    /// ```
    pub fn takes_value(arg: &str) -> bool {
        Self::WITH_VALUE.contains(&arg)
    }

    /// Parses the flags `args` (without the program name or subcommand). `--flag value` and
    /// `--flag=value` are both accepted; `--` ends the flags.
    ///
    /// [`invocation`](Args::invocation) is found by looking for `args` at the end of the
    /// program's own command line (`std::env::args_os()`): what precedes them (`myapp check`)
    /// is the invocation; when they aren't there, it is the program's file name.
    ///
    /// ```
    /// use smoketest::cli::Args;
    ///
    /// let args = Args::parse_from(["--json", "--apps", "billing,orders"]).unwrap();
    /// assert!(args.json);
    /// assert_eq!(args.apps, Some(vec!["billing".to_owned(), "orders".to_owned()]));
    ///
    /// let error = Args::parse_from(["--bogus"]).unwrap_err();
    /// assert_eq!(error.to_string(), "error: unknown flag `--bogus` (see --help)");
    /// ```
    pub fn parse_from<I>(args: I) -> Result<Args, UsageError>
    where
        I: IntoIterator,
        I::Item: Into<OsString>,
    {
        let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        let nagios = nagios_requested(&args);
        let error = |reason| UsageError { reason, nagios };
        let mut parsed = parse(&args).map_err(error)?;
        parsed.nagios = nagios;
        if parsed.nagios && parsed.json {
            return Err(error(
                "--nagios and --json are two output formats: choose one".into(),
            ));
        }
        parsed.invocation = invocation(&args);
        Ok(parsed)
    }

    /// The whole help: the usage line (`Usage: myapp check [OPTIONS]`), what the command does,
    /// [`Args::OPTIONS`] and the exit codes. `--help` prints it.
    ///
    /// ```
    /// let mut args = smoketest::cli::Args::default();
    /// args.invocation = "myapp check".into();
    /// assert!(args.help().starts_with("Usage: myapp check [OPTIONS]\n\n"));
    /// ```
    pub fn help(&self) -> String {
        let invocation = match self.invocation.as_str() {
            "" => program_name(),
            invocation => invocation.to_owned(),
        };
        format!(
            "Usage: {invocation} [OPTIONS]\n\n{ABOUT}\n{}\n{EXIT_STATUS}",
            Args::OPTIONS
        )
    }

    /// Applies the flags that choose and run the tests — `--apps`, `--skip-apps`, `--filter`,
    /// `--tag`, `--exclude`, `--timeout`, `--concurrency`, `--min-tests`, `--failfast` — to
    /// `runner`. The tier, the output format, `--isolate`, `--list` and `--help` are for
    /// [`Runner::run_args`].
    ///
    /// ```
    /// use smoketest::{Runner, Tier, cli::Args};
    ///
    /// let args = Args::parse_from(["--filter", "no test has this name"]).unwrap();
    /// let runner = args.apply(Runner::new());
    /// assert!(runner.test_names(Tier::Fast).is_empty());
    /// ```
    pub fn apply(&self, mut runner: Runner) -> Runner {
        if let Some(apps) = &self.apps {
            runner = runner.apps(apps.iter().cloned());
        }
        if let Some(skip_apps) = &self.skip_apps {
            runner = runner.skip_apps(skip_apps.iter().cloned());
        }
        for text in &self.filters {
            runner = runner.filter(text.clone());
        }
        if let Some(tags) = &self.tags {
            runner = runner.tags(tags.iter().cloned());
        }
        for name in &self.excluded {
            runner = runner.exclude(name.clone());
        }
        if let Some(timeout) = self.timeout {
            runner = runner.default_timeout(timeout);
        }
        if let Some(concurrency) = self.concurrency {
            runner = runner.concurrency(concurrency);
        }
        if let Some(min) = self.min_tests {
            runner = runner.min_tests(min);
        }
        runner.failfast(self.failfast)
    }

    /// Prints the help on stdout.
    pub(crate) fn print_help(&self) {
        // A closed stdout (`| head`) is no reason to fail.
        let _ = std::io::stdout().lock().write_all(self.help().as_bytes());
    }
}

const ABOUT: &str = "\
Run the smoke tests linked into this program and print the report on stdout. During the run,
what the tests print on stdout goes to stderr (on unix), so that stdout holds the report alone.
";

const EXIT_STATUS: &str = "\
Exit status: 0 PASS (also when `warn_only` tests failed: they warn), 1 FAIL (a test failed or
errored, or fewer than --min-tests selected), 2 usage error or unwritable --junit file.
With --nagios: 0 OK (PASS), 1 WARNING (PASS, but a `warn_only` test failed or errored),
2 CRITICAL (a test failed or errored), 3 UNKNOWN (usage error, unwritable --junit file or fewer
than --min-tests selected, reported on stdout as `SMOKETEST UNKNOWN - <reason>`).
";

/// The flags of `args`, or what is wrong with them. `nagios` and `invocation` are left for
/// [`Args::parse_from`], which sets them from the whole command line.
fn parse(args: &[OsString]) -> Result<Args, String> {
    let mut parsed = Args::default();
    let mut parser = lexopt::Parser::from_args(args.iter().cloned());
    loop {
        let flag = match parser.next() {
            Ok(None) => break,
            Ok(Some(lexopt::Arg::Long(name))) => format!("--{name}"),
            Ok(Some(lexopt::Arg::Short(letter))) => format!("-{letter}"),
            Ok(Some(lexopt::Arg::Value(value))) => {
                return Err(format!("unexpected argument `{}`", value.to_string_lossy()));
            }
            // `--json=yes`, `-v=x`: the only error `next` returns.
            Err(lexopt::Error::UnexpectedValue { option, .. }) => {
                return Err(format!("{option} takes no value"));
            }
            Err(error) => return Err(error.to_string()),
        };
        let mut value = |what: &str| -> Result<String, String> {
            let value = parser
                .value()
                .map_err(|_| format!("{flag} needs a value: {what}"))?;
            value
                .into_string()
                .map_err(|value| format!("{flag} {value:?} is not valid UTF-8"))
        };
        match flag.as_str() {
            "--slow" => parsed.tier = Tier::Slow,
            "--json" => parsed.json = true,
            "--verbose" | "-v" => parsed.verbose = true,
            // Set from the whole command line by `parse_from`.
            "--nagios" => {}
            "--junit" => {
                let path = value("a file path for the JUnit XML report")?;
                if path.is_empty() {
                    return Err("--junit needs a non-empty file path".into());
                }
                parsed.junit = Some(PathBuf::from(path));
            }
            "--failfast" => parsed.failfast = true,
            "--isolate" => parsed.isolate = true,
            "--list" => parsed.list = true,
            "--help" | "-h" => parsed.help = true,
            "--apps" | "--skip-apps" => {
                let list = value("a comma-separated list of crate or module paths")?;
                let apps = split_list(&list);
                if apps.is_empty() {
                    return Err(format!("{flag} needs at least one crate or module path"));
                }
                match flag.as_str() {
                    "--apps" => parsed.apps = Some(apps),
                    _ => parsed.skip_apps = Some(apps),
                }
            }
            "--filter" => {
                let text = value("a part of a test name")?;
                if text.is_empty() {
                    return Err("--filter needs a non-empty part of a test name".into());
                }
                parsed.filters.push(text);
            }
            "--tag" => {
                let list = value("a tag name")?;
                let tags = split_list(&list);
                if tags.is_empty() {
                    return Err("--tag needs a tag name".into());
                }
                if let Some(bad) = tags.iter().find(|tag| !is_tag(tag)) {
                    return Err(format!(
                        "--tag {bad:?} is not a tag: tags are made of ASCII letters, digits, \
                         `-`, `_` and `.`"
                    ));
                }
                parsed.tags.get_or_insert_with(Vec::new).extend(tags);
            }
            "--exclude" => {
                let name = value("the full name of a test")?;
                if name.is_empty() {
                    return Err("--exclude needs the full name of a test".into());
                }
                parsed.excluded.push(name);
            }
            "--timeout" => {
                let text = value("a duration such as 500ms, 5s or 1m")?;
                let timeout = humantime::parse_duration(&text).map_err(|error| {
                    format!(
                        "--timeout {text:?} is not a duration ({error}); write e.g. 500ms, 5s or 1m"
                    )
                })?;
                if timeout.is_zero() {
                    return Err("--timeout must be greater than zero".into());
                }
                parsed.timeout = Some(timeout);
            }
            "--concurrency" => {
                let text = value("a number of tests, 1 or more")?;
                match text.parse::<usize>() {
                    Ok(n) if n >= 1 => parsed.concurrency = Some(n),
                    _ => {
                        return Err(format!(
                            "--concurrency {text:?} is not a number of tests, 1 or more"
                        ));
                    }
                }
            }
            "--min-tests" => {
                let text = value("a number of tests, 0 or more")?;
                match text.parse::<usize>() {
                    Ok(n) => parsed.min_tests = Some(n),
                    Err(_) => {
                        return Err(format!(
                            "--min-tests {text:?} is not a number of tests, 0 or more"
                        ));
                    }
                }
            }
            _ => return Err(format!("unknown flag `{flag}`")),
        }
    }
    Ok(parsed)
}

/// Whether `text` can be a tag: `#[smoke_test(tags = [...])]` takes ASCII letters, digits, `-`,
/// `_` and `.`, so that tags need no quoting in a comma-separated list or a URL.
fn is_tag(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Whether the command line asks for Nagios output: any argument that is `--nagios` or starts with
/// `--nagios=`, wherever it stands. Decided by this scan rather than by the parse, so that a
/// malformed command line still gets its error as an `UNKNOWN` status line, and a `--nagios`
/// swallowed as another flag's value (`--apps --nagios`) still means Nagios output.
fn nagios_requested(args: &[OsString]) -> bool {
    args.iter()
        .any(|arg| arg == "--nagios" || arg.as_encoded_bytes().starts_with(b"--nagios="))
}

/// How the program was invoked up to `args`: the program's file name, then the arguments in
/// front of `args` when the program's command line ends with them.
fn invocation(args: &[OsString]) -> String {
    let all: Vec<OsString> = std::env::args_os().skip(1).collect();
    let mut words = vec![program_name()];
    if let Some(before) = all.len().checked_sub(args.len()) {
        if all[before..] == *args {
            words.extend(
                all[..before]
                    .iter()
                    .map(|arg| arg.to_string_lossy().into_owned()),
            );
        }
    }
    words.join(" ")
}

/// The file name of the program (`argv[0]`), `smoketest` if it has none.
fn program_name() -> String {
    std::env::args_os()
        .next()
        .as_deref()
        .map(Path::new)
        .and_then(Path::file_name)
        .map(OsStr::to_string_lossy)
        .map_or_else(|| "smoketest".to_owned(), |name| name.into_owned())
}

#[cfg(test)]
mod tests;

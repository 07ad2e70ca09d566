//! The command-line entry point: flags in, report on stdout, exit code out.

use std::fmt;
use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use crate::redact::Redactor;
use crate::render::{self, Format, NagiosState, unknown_line};
use crate::report::Report;
use crate::runner::{Runner, split_apps};
use crate::tier::Tier;

const USAGE: &str = "\
Run the smoke tests linked into this program and print the report.

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
  --timeout DURATION  time limit per test without its own, e.g. 500ms, 5s, 1m (default: 10s)
  --concurrency N     how many tests run at once; 1 runs them one by one (default: 64)
  --isolate           run the tests in a child process of this program, so that a test that
                      ends the process (exit, abort, stack overflow) is reported as errored
  --list              print the names of the selected tests and exit
  --help, -h          print this help and exit

Exit status: 0 PASS, 1 FAIL, 2 usage error or unwritable --junit file.
With --nagios: 0 OK (PASS), 2 CRITICAL (FAIL), 3 UNKNOWN (usage error or unwritable --junit
file, reported on stdout as `SMOKETEST UNKNOWN - <reason>`).
";

/// What the command line asked for.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Options {
    pub(crate) tier: Tier,
    pub(crate) json: bool,
    pub(crate) verbose: bool,
    pub(crate) nagios: bool,
    pub(crate) junit: Option<PathBuf>,
    pub(crate) failfast: bool,
    pub(crate) apps: Option<Vec<String>>,
    pub(crate) skip_apps: Option<Vec<String>>,
    pub(crate) filters: Vec<String>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) concurrency: Option<usize>,
    pub(crate) isolate: bool,
    pub(crate) list: bool,
    pub(crate) help: bool,
}

/// A command line that can't be run; printed as one line on stderr.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {} (see --help)", self.0)
    }
}

pub(crate) fn parse(args: &[String]) -> Result<Options, UsageError> {
    let mut options = Options {
        nagios: nagios_requested(args),
        ..Options::default()
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        // `--flag=value` and `--flag value` are both accepted.
        let (flag, inline_value) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |what: &str| -> Result<String, UsageError> {
            inline_value
                .clone()
                .or_else(|| args.next().cloned())
                .ok_or_else(|| UsageError(format!("{flag} needs a value: {what}")))
        };
        let no_value = || match &inline_value {
            Some(_) => Err(UsageError(format!("{flag} takes no value"))),
            None => Ok(true),
        };
        match flag {
            "--slow" => options.tier = if no_value()? { Tier::Slow } else { Tier::Fast },
            "--json" => options.json = no_value()?,
            "--verbose" | "-v" => options.verbose = no_value()?,
            // Set from the whole command line below.
            "--nagios" => _ = no_value()?,
            "--junit" => {
                let path = value("a file path for the JUnit XML report")?;
                if path.is_empty() {
                    return Err(UsageError("--junit needs a non-empty file path".into()));
                }
                options.junit = Some(PathBuf::from(path));
            }
            "--failfast" => options.failfast = no_value()?,
            "--isolate" => options.isolate = no_value()?,
            "--list" => options.list = no_value()?,
            "--help" | "-h" => options.help = no_value()?,
            "--apps" => {
                options.apps = Some(app_list(
                    flag,
                    &value("a comma-separated list of crate or module paths")?,
                )?)
            }
            "--skip-apps" => {
                options.skip_apps = Some(app_list(
                    flag,
                    &value("a comma-separated list of crate or module paths")?,
                )?)
            }
            "--filter" => {
                let text = value("a part of a test name")?;
                if text.is_empty() {
                    return Err(UsageError(
                        "--filter needs a non-empty part of a test name".into(),
                    ));
                }
                options.filters.push(text);
            }
            "--timeout" => {
                let text = value("a duration such as 500ms, 5s or 1m")?;
                let timeout = humantime::parse_duration(&text).map_err(|error| {
                    UsageError(format!(
                        "--timeout {text:?} is not a duration ({error}); write e.g. 500ms, 5s or 1m"
                    ))
                })?;
                if timeout.is_zero() {
                    return Err(UsageError("--timeout must be greater than zero".into()));
                }
                options.timeout = Some(timeout);
            }
            "--concurrency" => {
                let text = value("a number of tests, 1 or more")?;
                match text.parse::<usize>() {
                    Ok(n) if n >= 1 => options.concurrency = Some(n),
                    _ => {
                        return Err(UsageError(format!(
                            "--concurrency {text:?} is not a number of tests, 1 or more"
                        )));
                    }
                }
            }
            _ if flag.starts_with('-') => return Err(UsageError(format!("unknown flag `{flag}`"))),
            _ => return Err(UsageError(format!("unexpected argument `{arg}`"))),
        }
    }
    if options.nagios && options.json {
        return Err(UsageError(
            "--nagios and --json are two output formats: choose one".into(),
        ));
    }
    Ok(options)
}

/// Whether the command line asks for Nagios output: any argument that is `--nagios` or starts with
/// `--nagios=`, wherever it stands. Decided by this scan rather than by the parse, so that a
/// malformed command line still gets its error as an `UNKNOWN` status line, and a `--nagios`
/// swallowed as another flag's value (`--apps --nagios`) still means Nagios output.
fn nagios_requested(args: &[String]) -> bool {
    args.iter()
        .any(|arg| arg == "--nagios" || arg.starts_with("--nagios="))
}

fn app_list(flag: &str, text: &str) -> Result<Vec<String>, UsageError> {
    let apps = split_apps(text);
    if apps.is_empty() {
        return Err(UsageError(format!(
            "{flag} needs at least one crate or module path"
        )));
    }
    Ok(apps)
}

impl Options {
    fn apply(&self, mut runner: Runner) -> Runner {
        if let Some(apps) = &self.apps {
            runner = runner.apps(apps.iter().cloned());
        }
        if let Some(skip_apps) = &self.skip_apps {
            runner = runner.skip_apps(skip_apps.iter().cloned());
        }
        for text in &self.filters {
            runner = runner.filter(text.clone());
        }
        if let Some(timeout) = self.timeout {
            runner = runner.default_timeout(timeout);
        }
        if let Some(concurrency) = self.concurrency {
            runner = runner.concurrency(concurrency);
        }
        runner.failfast(self.failfast)
    }
}

/// Runs the command line `args` (without the program name) and returns the exit code.
pub(crate) async fn run(runner: Runner, args: Vec<String>) -> ExitCode {
    let options = match parse(&args) {
        Ok(options) => options,
        Err(error) if nagios_requested(&args) => return unknown(&error.0),
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    if crate::isolate::is_child() {
        // Only the selection counts here: the parent prints the report.
        return crate::isolate::serve(options.apply(runner)).await;
    }
    let mut stdout = std::io::stdout().lock();
    if options.help {
        let _ = stdout.write_all(USAGE.as_bytes());
        return ExitCode::SUCCESS;
    }
    let mut runner = options.apply(runner);
    if options.list {
        for name in runner.test_names(options.tier) {
            let _ = writeln!(stdout, "{name}");
        }
        return ExitCode::SUCCESS;
    }
    drop(stdout);
    if options.isolate {
        runner = runner.isolate(crate::isolate::cli_child_args());
    }
    // Created before the run, so a path that can't be written costs no test run.
    let junit = match &options.junit {
        Some(path) => match File::create(path) {
            Ok(file) => Some((path, file)),
            Err(error) => return junit_failed(&options, path, &error),
        },
        None => None,
    };
    // Reports leave the process here (stdout, the JUnit file): credentials in messages, locations,
    // backtraces and captured output are redacted first, as over HTTP.
    let report = runner
        .run_async(options.tier)
        .await
        .redacted(&Redactor::new());
    if let Some((path, mut file)) = junit {
        if let Err(error) = file.write_all(report.render(Format::JUnit).as_bytes()) {
            if !options.nagios {
                print_report(&options, &report);
            }
            return junit_failed(&options, path, &error);
        }
    }
    print_report(&options, &report);
    if options.nagios {
        ExitCode::from(NagiosState::of(&report).exit_code())
    } else if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn print_report(options: &Options, report: &Report) {
    let format = if options.nagios {
        Format::Nagios
    } else if options.json {
        Format::Json
    } else {
        Format::Text
    };
    let rendered = render::render(
        report,
        format,
        &render::Options::new().verbose(options.verbose),
    );
    let mut text = rendered.body;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    // A closed stdout (`| head`) must not turn a passing run into a panic or a failure.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// The JUnit file is an output the command line asked for: not delivering it is an environment
/// error (exit 2, or `UNKNOWN` with `--nagios`) whatever the tests did.
fn junit_failed(options: &Options, path: &Path, error: &std::io::Error) -> ExitCode {
    let reason = format!(
        "cannot write the JUnit report to {}: {error}",
        path.display()
    );
    if options.nagios {
        unknown(&reason)
    } else {
        eprintln!("error: {reason}");
        ExitCode::from(2)
    }
}

/// Prints `SMOKETEST UNKNOWN - <reason>` on stdout, where Nagios reads it, and exits 3.
fn unknown(reason: &str) -> ExitCode {
    let _ = writeln!(std::io::stdout().lock(), "{}", unknown_line(reason));
    ExitCode::from(NagiosState::Unknown.exit_code())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn every_flag_parses() {
        let options = parse(&args(
            "--slow --json -v --failfast --apps a,b --skip-apps=c --filter x --filter y \
             --timeout 2s --concurrency 3 --isolate --list --junit=out/report.xml",
        ))
        .unwrap();
        assert_eq!(
            options,
            Options {
                tier: Tier::Slow,
                json: true,
                verbose: true,
                nagios: false,
                junit: Some(PathBuf::from("out/report.xml")),
                failfast: true,
                apps: Some(vec!["a".into(), "b".into()]),
                skip_apps: Some(vec!["c".into()]),
                filters: vec!["x".into(), "y".into()],
                timeout: Some(Duration::from_secs(2)),
                concurrency: Some(3),
                isolate: true,
                list: true,
                help: false,
            }
        );
    }

    #[test]
    fn usage_errors_name_the_flag() {
        let error = |line: &str| parse(&args(line)).unwrap_err().to_string();
        assert_eq!(
            error("--bogus"),
            "error: unknown flag `--bogus` (see --help)"
        );
        assert_eq!(
            error("stray"),
            "error: unexpected argument `stray` (see --help)"
        );
        assert_eq!(
            error("--apps"),
            "error: --apps needs a value: a comma-separated list of crate or module paths (see --help)"
        );
        assert_eq!(
            error("--apps ,"),
            "error: --apps needs at least one crate or module path (see --help)"
        );
        assert_eq!(
            error("--concurrency 0"),
            "error: --concurrency \"0\" is not a number of tests, 1 or more (see --help)"
        );
        assert_eq!(
            error("--timeout 0s"),
            "error: --timeout must be greater than zero (see --help)"
        );
        assert_eq!(
            error("--json=yes"),
            "error: --json takes no value (see --help)"
        );
        assert!(
            error("--timeout soon").starts_with("error: --timeout \"soon\" is not a duration (")
        );
        assert_eq!(
            error("--nagios=yes"),
            "error: --nagios takes no value (see --help)"
        );
        assert_eq!(
            error("--junit"),
            "error: --junit needs a value: a file path for the JUnit XML report (see --help)"
        );
        assert_eq!(
            error("--junit="),
            "error: --junit needs a non-empty file path (see --help)"
        );
        assert_eq!(
            error("--json --nagios"),
            "error: --nagios and --json are two output formats: choose one (see --help)"
        );
    }

    #[test]
    fn nagios_mode_is_found_even_on_a_malformed_command_line() {
        assert!(nagios_requested(&args("--bogus --nagios")));
        assert!(nagios_requested(&args("--apps --nagios")));
        assert!(nagios_requested(&args("--nagios=yes")));
        assert!(!nagios_requested(&args("--bogus --nagiosx --json")));
        assert!(parse(&args("--nagios")).unwrap().nagios);
        assert!(parse(&args("--filter --nagios")).unwrap().nagios);
    }
}

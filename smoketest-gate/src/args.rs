//! The command line: flags, their parse, and the help text.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use ureq::tls::Certificate;

use crate::ca;
use crate::targets::{self, Target};

/// The variable the token is read from when `--token-env` does not name another.
pub(crate) const DEFAULT_TOKEN_ENV: &str = "SMOKETEST_TOKEN";

/// What the command line asks for.
#[derive(Debug)]
pub(crate) enum Command {
    Help,
    Version,
    Gate(Args),
}

/// The flags of a gate run, checked.
#[derive(Debug)]
pub(crate) struct Args {
    /// Every endpoint to poll, in the order given: arguments first, then `--file` lines.
    pub(crate) targets: Vec<Target>,
    /// The bearer token, if the variable holds one.
    pub(crate) token: Option<Token>,
    pub(crate) deadline: Duration,
    pub(crate) interval: Duration,
    /// The most one request may take (also never past the deadline).
    pub(crate) timeout: Duration,
    pub(crate) junit: Option<PathBuf>,
    /// The CA certificates of every `--ca-cert`, trusted instead of the system's; empty for the
    /// system's.
    pub(crate) ca_certs: Vec<Certificate<'static>>,
}

/// A bearer token and the variable it came from. Its `Debug` hides the value.
pub(crate) struct Token {
    pub(crate) variable: String,
    pub(crate) value: String,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token(from ${})", self.variable)
    }
}

/// A command line the gate cannot run: one line saying which argument and what to write.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UsageError(pub(crate) String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {} (see --help)", self.0)
    }
}

pub(crate) const HELP: &str = "\
Poll the smoketest endpoints of every instance of a service until all of them pass or a
deadline passes: the gate a deploy pipeline runs after a rollout.

Usage: smoketest-gate [OPTIONS] [URL]...

  URL                  an endpoint, e.g. https://pod-1:8080/smoketest/ or .../smoketest/ready/
                       (the URL names the route: the fast tier, `slow/`, or a probe group)

Options:
  --file PATH          more URLs, one a line; `#` starts a comment, blank lines are ignored
  --slow               poll the slow tier: append `slow/` to every URL (give the mount point,
                       e.g. https://pod-1:8080/smoketest/)
  --token-env NAME     send `Authorization: Bearer` with the token in this environment variable
                       (default SMOKETEST_TOKEN, used when set); the token is never printed
  --deadline DURATION  give up after this long (default 5m), e.g. 90s, 5m, 1h
  --interval DURATION  poll an instance that has not passed again after this long (default 5s)
  --timeout DURATION   the most one request may take (default 10s; never past the deadline)
  --junit PATH         also write a JUnit XML file for the fleet: a suite per instance
  --ca-cert FILE       trust the CA certificates in this PEM file instead of the system's, e.g.
                       a company CA; repeat it for more files (add the system bundle, e.g.
                       /etc/ssl/certs/ca-certificates.crt, to trust its CAs as well)
  -h, --help           print this help
  -V, --version        print the version

An instance that answered PASS once is done and not asked again. Requests go to at most 16
instances at a time, follow no redirects and read at most 1 MiB of an answer.

While waiting, a progress line goes to stderr; at the end a table goes to stdout: one line per
instance, in the order given, with its status (PASS, FAIL or UNREACHABLE: no report could be
had), tests passed/run, the run's time and id, and the failing tests or why there is no report.

Exit status: 0 every instance passed; 1 an instance answered FAIL at the deadline (also when
others were unreachable: a failure is a verdict); 2 usage error, unwritable --junit file, or an
instance without a report at the deadline.
";

/// Reads the command line (without the program name), the environment for the token, and the
/// `--file`.
pub(crate) fn parse(
    args: impl IntoIterator<Item = OsString>,
    env: impl Fn(&str) -> Option<OsString>,
) -> Result<Command, UsageError> {
    // Each URL with where it came from, for errors: `None` for the arguments.
    let mut urls: Vec<(String, Option<String>)> = Vec::new();
    let mut file: Option<PathBuf> = None;
    let mut slow = false;
    let mut token_env: Option<String> = None;
    let mut deadline = Duration::from_secs(300);
    let mut interval = Duration::from_secs(5);
    let mut timeout = Duration::from_secs(10);
    let mut junit = None;
    let mut ca_files: Vec<PathBuf> = Vec::new();
    let mut parser = lexopt::Parser::from_args(args);
    let usage = |message: String| UsageError(message);
    loop {
        let flag = match parser.next() {
            Ok(None) => break,
            Ok(Some(lexopt::Arg::Long(name))) => format!("--{name}"),
            Ok(Some(lexopt::Arg::Short(letter))) => format!("-{letter}"),
            Ok(Some(lexopt::Arg::Value(value))) => {
                let url = value
                    .into_string()
                    .map_err(|value| usage(format!("the URL {value:?} is not valid UTF-8")))?;
                urls.push((url, None));
                continue;
            }
            Err(lexopt::Error::UnexpectedValue { option, .. }) => {
                return Err(usage(format!("{option} takes no value")));
            }
            Err(error) => return Err(usage(error.to_string())),
        };
        let mut value = |what: &str| -> Result<String, UsageError> {
            let value = parser
                .value()
                .map_err(|_| usage(format!("{flag} needs a value: {what}")))?;
            value
                .into_string()
                .map_err(|value| usage(format!("{flag} {value:?} is not valid UTF-8")))
        };
        match flag.as_str() {
            "--help" | "-h" => return Ok(Command::Help),
            "--version" | "-V" => return Ok(Command::Version),
            "--slow" => slow = true,
            "--file" => {
                let path = value("a file with one URL a line")?;
                if file.is_some() {
                    return Err(usage(
                        "--file is given twice: put all the URLs in one file, or give the others \
                         as arguments"
                            .into(),
                    ));
                }
                file = Some(PathBuf::from(path));
            }
            "--token-env" => {
                let name = value("the name of an environment variable, e.g. SMOKETEST_TOKEN")?;
                if name.is_empty() || name.contains('=') || name.contains('\0') {
                    return Err(usage(format!(
                        "--token-env {name:?} is not the name of an environment variable; write \
                         e.g. --token-env DEPLOY_TOKEN (the name, not the token)"
                    )));
                }
                token_env = Some(name);
            }
            "--deadline" => deadline = duration(&flag, &value("a duration, e.g. 5m")?, "5m")?,
            "--interval" => interval = duration(&flag, &value("a duration, e.g. 5s")?, "5s")?,
            "--timeout" => timeout = duration(&flag, &value("a duration, e.g. 10s")?, "10s")?,
            "--junit" => {
                let path = value("a file path for the JUnit XML report")?;
                if path.is_empty() {
                    return Err(usage("--junit needs a non-empty file path".into()));
                }
                junit = Some(PathBuf::from(path));
            }
            "--ca-cert" => {
                let path = value("a PEM file of CA certificates, e.g. company-ca.pem")?;
                if path.is_empty() {
                    return Err(usage("--ca-cert needs a non-empty file path".into()));
                }
                ca_files.push(PathBuf::from(path));
            }
            _ => return Err(usage(format!("unknown flag `{flag}`"))),
        }
    }
    if let Some(path) = &file {
        let text = std::fs::read_to_string(path).map_err(|error| {
            usage(format!(
                "--file {}: cannot read it ({error})",
                path.display()
            ))
        })?;
        for (number, line) in text.lines().enumerate() {
            let line = line
                .split_once('#')
                .map_or(line, |(before, _)| before)
                .trim();
            if !line.is_empty() {
                urls.push((
                    line.to_owned(),
                    Some(format!(" (line {} of {})", number + 1, path.display())),
                ));
            }
        }
    }
    if urls.is_empty() {
        return Err(usage(
            "no endpoint to poll: give one or more URLs, e.g. https://pod-1:8080/smoketest/, \
             or --file PATH"
                .into(),
        ));
    }
    let mut parsed: Vec<Target> = Vec::with_capacity(urls.len());
    for (url, source) in &urls {
        let source = source.as_deref().unwrap_or_default();
        let target =
            targets::parse(url, slow).map_err(|reason| usage(format!("{reason}{source}")))?;
        if let Some(first) = parsed.iter().find(|other| other.url == target.url) {
            return Err(usage(format!(
                "{} is given twice{source}; give each instance once",
                first.url
            )));
        }
        parsed.push(target);
    }
    let token = token(token_env, env)?;
    let mut ca_certs = Vec::new();
    for path in &ca_files {
        ca_certs.extend(ca::load(path).map_err(usage)?);
    }
    Ok(Command::Gate(Args {
        targets: parsed,
        token,
        deadline,
        interval,
        timeout,
        junit,
        ca_certs,
    }))
}

/// A positive duration in humantime's syntax.
fn duration(flag: &str, text: &str, example: &str) -> Result<Duration, UsageError> {
    let duration = humantime::parse_duration(text).map_err(|error| {
        UsageError(format!(
            "{flag} {text:?} is not a duration ({error}); write e.g. {flag} {example}"
        ))
    })?;
    if duration.is_zero() {
        return Err(UsageError(format!(
            "{flag} {text:?} must be more than zero; write e.g. {flag} {example}"
        )));
    }
    Ok(duration)
}

/// The token: from the variable `--token-env` names, which must then hold one (a misspelt name
/// must not quietly poll without a token), or from `SMOKETEST_TOKEN` when it is set.
fn token(
    named: Option<String>,
    env: impl Fn(&str) -> Option<OsString>,
) -> Result<Option<Token>, UsageError> {
    let explicit = named.is_some();
    let variable = named.unwrap_or_else(|| DEFAULT_TOKEN_ENV.to_owned());
    let value = match env(&variable) {
        Some(value) => value.into_string().map_err(|_| {
            UsageError(format!(
                "${variable} is not valid UTF-8, so it cannot be a bearer token"
            ))
        })?,
        None => String::new(),
    };
    let value = value.trim().to_owned();
    if value.is_empty() {
        if explicit {
            return Err(UsageError(format!(
                "--token-env {variable}: ${variable} is not set or empty; export the token in it, \
                 or leave out --token-env to poll without a token"
            )));
        }
        return Ok(None);
    }
    // What an HTTP header value may hold (RFC 9110: visible ASCII, spaces and tabs inside).
    if !value
        .bytes()
        .all(|byte| byte == b' ' || byte == b'\t' || byte.is_ascii_graphic())
    {
        return Err(UsageError(format!(
            "${variable} holds characters a bearer token cannot have (only visible ASCII); \
             check what is exported in it"
        )));
    }
    Ok(Some(Token { variable, value }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(args: &[&str], env: &[(&str, &str)]) -> Result<Args, String> {
        let env: Vec<(String, OsString)> = env
            .iter()
            .map(|(name, value)| (name.to_string(), OsString::from(value)))
            .collect();
        let command = parse(args.iter().map(OsString::from), |name| {
            env.iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        });
        match command {
            Ok(Command::Gate(args)) => Ok(args),
            Ok(other) => panic!("not a gate run: {other:?}"),
            Err(error) => Err(error.to_string()),
        }
    }

    #[test]
    fn defaults() {
        let args = gate(&["http://a/smoketest/"], &[]).unwrap();
        assert_eq!(args.deadline, Duration::from_secs(300));
        assert_eq!(args.interval, Duration::from_secs(5));
        assert_eq!(args.timeout, Duration::from_secs(10));
        assert!(args.token.is_none());
        assert!(args.junit.is_none());
        assert!(args.ca_certs.is_empty());
    }

    #[test]
    fn the_token_comes_from_the_environment() {
        let args = gate(&["http://a/"], &[("SMOKETEST_TOKEN", "s3cret")]).unwrap();
        assert_eq!(args.token.as_ref().unwrap().value, "s3cret");
        assert_eq!(
            format!("{:?}", args.token),
            "Some(Token(from $SMOKETEST_TOKEN))"
        );
        let args = gate(
            &["--token-env", "DEPLOY", "http://a/"],
            &[("DEPLOY", "t"), ("SMOKETEST_TOKEN", "other")],
        )
        .unwrap();
        assert_eq!(args.token.unwrap().value, "t");
        assert_eq!(
            gate(&["--token-env", "DEPLOY", "http://a/"], &[]).unwrap_err(),
            "error: --token-env DEPLOY: $DEPLOY is not set or empty; export the token in it, or \
             leave out --token-env to poll without a token (see --help)"
        );
        assert_eq!(
            gate(&["--token-env", "s3cret=1", "http://a/"], &[]).unwrap_err(),
            "error: --token-env \"s3cret=1\" is not the name of an environment variable; write \
             e.g. --token-env DEPLOY_TOKEN (the name, not the token) (see --help)"
        );
        assert_eq!(
            gate(&["http://a/"], &[("SMOKETEST_TOKEN", "a\nb")]).unwrap_err(),
            "error: $SMOKETEST_TOKEN holds characters a bearer token cannot have (only visible \
             ASCII); check what is exported in it (see --help)"
        );
    }

    #[test]
    fn durations_are_positive_human_durations() {
        assert_eq!(
            gate(&["--deadline", "5", "http://a/"], &[]).unwrap_err(),
            "error: --deadline \"5\" is not a duration (time unit needed, for example 5sec or \
             5ms); write e.g. --deadline 5m (see --help)"
        );
        assert_eq!(
            gate(&["--interval", "0s", "http://a/"], &[]).unwrap_err(),
            "error: --interval \"0s\" must be more than zero; write e.g. --interval 5s (see --help)"
        );
        let args = gate(&["--deadline=90s", "--interval", "250ms", "http://a/"], &[]).unwrap();
        assert_eq!(args.deadline, Duration::from_secs(90));
        assert_eq!(args.interval, Duration::from_millis(250));
    }

    #[test]
    fn other_mistakes_name_the_argument() {
        assert_eq!(
            gate(&[], &[]).unwrap_err(),
            "error: no endpoint to poll: give one or more URLs, e.g. \
             https://pod-1:8080/smoketest/, or --file PATH (see --help)"
        );
        assert_eq!(
            gate(&["--fast", "http://a/"], &[]).unwrap_err(),
            "error: unknown flag `--fast` (see --help)"
        );
        assert_eq!(
            gate(&["http://a/"], &[]).map(|args| args.targets.len()),
            Ok(1)
        );
        assert_eq!(
            gate(&["http://a/", "http://a/"], &[]).unwrap_err(),
            "error: http://a/ is given twice; give each instance once (see --help)"
        );
        assert_eq!(
            gate(&["--junit"], &[]).unwrap_err(),
            "error: --junit needs a value: a file path for the JUnit XML report (see --help)"
        );
        assert_eq!(
            gate(&["--slow=yes", "http://a/"], &[]).unwrap_err(),
            "error: --slow takes no value (see --help)"
        );
    }
}

//! Redaction: credentials and configured secrets taken out of the free text a report carries —
//! messages, locations, backtraces, captured output — before it leaves the process.
//!
//! [`redact_credentials`] knows the usual shapes of a credential in an error message; a
//! [`Redactor`] adds the app's own secrets, keys and patterns, and [`Report::redacted`] applies
//! it to a whole report, so every format rendered from it (text, JSON, and any added later) is
//! clean.

use std::fmt;

use regex_lite::Regex;

use crate::report::{Report, TestReport};

/// What a hidden value is replaced with.
const MASK: &str = "***";

/// Keys whose `key=value` values are always hidden (any case; `access_token=` matches `token=`).
const KEYS: [&str; 7] = [
    "password", "passwd", "pwd", "token", "secret", "api_key", "apikey",
];

/// `Authorization` schemes, kept in front of the hidden credential: they say what was hidden.
const SCHEMES: [&str; 6] = ["bearer", "basic", "digest", "token", "negotiate", "ntlm"];

/// Removes credentials from `message`, so error messages can be shown in reports that leave the
/// process:
///
/// - passwords in URLs: `postgres://user:secret@host` becomes `postgres://user:***@host`;
/// - `key=value` pairs whose key is a password, token, secret or API key (`password=`, `pwd=`,
///   `token=`, `access_token=`, `secret=`, `client_secret=`, `api_key=`, any case):
///   `password=secret` becomes `password=***`;
/// - `Authorization` header values (`Authorization: Bearer abc`, `"authorization": "Basic abc"`),
///   and `Bearer <token>` anywhere: the scheme stays, the credential becomes `***`.
///
/// ```
/// assert_eq!(
///     smoketest::redact_credentials("cannot connect to postgres://app:hunter2@db:5432/app"),
///     "cannot connect to postgres://app:***@db:5432/app"
/// );
/// assert_eq!(smoketest::redact_credentials("host=db password=hunter2 user=app"), "host=db password=*** user=app");
/// assert_eq!(
///     smoketest::redact_credentials("sent Authorization: Bearer eyJhbGciOi.x.y, got 403"),
///     "sent Authorization: Bearer ***, got 403"
/// );
/// ```
pub fn redact_credentials(message: &str) -> String {
    let out = redact_url_passwords(message);
    let out = redact_authorization_headers(&out);
    let out = redact_bearer_tokens(&out);
    redact_key_values(&out, &[])
}

/// `scheme://user:password@` → keep user, hide password.
fn redact_url_passwords(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find("://") {
        let (before, after) = rest.split_at(start + 3);
        out.push_str(before);
        let authority_end = after
            .find(['/', ' ', '\n', '?', '#', '"', '\''])
            .unwrap_or(after.len());
        let authority = &after[..authority_end];
        match authority.rfind('@') {
            Some(at) => {
                let userinfo = &authority[..at];
                match userinfo.find(':') {
                    Some(colon) => {
                        out.push_str(&userinfo[..colon]);
                        out.push(':');
                        out.push_str(MASK);
                    }
                    None => out.push_str(userinfo),
                }
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &after[authority_end..];
    }
    out.push_str(rest);
    out
}

/// Where a credential that starts at `start` ends: at whitespace, a quote or a delimiter.
fn credential_end(message: &str, start: usize) -> usize {
    message[start..]
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';' | '}' | ')'))
        .map_or(message.len(), |end| start + end)
}

/// `authorization` followed by `:` or `=` (quotes and spaces around them allowed), then an
/// optional scheme and the credential: the credential becomes `***`.
fn redact_authorization_headers(message: &str) -> String {
    const NAME: &str = "authorization";
    let lower = message.to_ascii_lowercase();
    let mut out = String::with_capacity(message.len());
    let mut index = 0;
    while let Some(found) = lower[index..].find(NAME) {
        let name_end = index + found + NAME.len();
        let rest = &message[name_end..];
        let separator_len = rest.len() - rest.trim_start_matches(['"', '\'', ':', '=', ' ']).len();
        if !rest[..separator_len].contains([':', '=']) {
            out.push_str(&message[index..name_end]);
            index = name_end;
            continue;
        }
        let mut value_start = name_end + separator_len;
        let value = &message[value_start..];
        let word_len = value
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(value.len());
        let is_scheme = SCHEMES
            .iter()
            .any(|scheme| value[..word_len].eq_ignore_ascii_case(scheme));
        if is_scheme && value[word_len..].starts_with(' ') {
            value_start += word_len + 1;
        }
        let value_end = credential_end(message, value_start);
        out.push_str(&message[index..value_start]);
        if value_end > value_start {
            out.push_str(MASK);
        }
        index = value_end;
    }
    out.push_str(&message[index..]);
    out
}

/// `Bearer <token>` (that spelling, as programs write the header) anywhere → `Bearer ***`.
fn redact_bearer_tokens(message: &str) -> String {
    const SCHEME: &str = "Bearer ";
    // RFC 6750's b64token: the characters a bearer token is made of.
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || "-._~+/=".contains(c);
    let mut out = String::with_capacity(message.len());
    let mut index = 0;
    while let Some(found) = message[index..].find(SCHEME) {
        let value_start = index + found + SCHEME.len();
        let value_end = message[value_start..]
            .find(|c: char| !is_token_char(c))
            .map_or(message.len(), |end| value_start + end);
        out.push_str(&message[index..value_start]);
        if value_end > value_start {
            out.push_str(MASK);
        }
        index = value_end;
    }
    out.push_str(&message[index..]);
    out
}

/// `password=…`, `pwd=…`, `token=…`, `secret=…`, `api_key=…` and `extra` keys (any case) →
/// `key=***`. `extra` holds lowercase keys.
fn redact_key_values(message: &str, extra: &[String]) -> String {
    let lower = message.to_ascii_lowercase();
    let keys = KEYS.iter().copied().chain(extra.iter().map(String::as_str));
    let patterns: Vec<String> = keys.map(|key| format!("{key}=")).collect();
    let mut out = String::with_capacity(message.len());
    let mut index = 0;
    while index < message.len() {
        let found = patterns
            .iter()
            .filter_map(|pattern| {
                lower[index..]
                    .find(pattern.as_str())
                    .map(|at| (index + at, pattern.len()))
            })
            .min();
        let Some((at, len)) = found else { break };
        let value_start = at + len;
        let value_end = message[value_start..]
            .find([' ', '&', ';', '\n', ',', '"', '\''])
            .map_or(message.len(), |end| value_start + end);
        out.push_str(&message[index..value_start]);
        out.push_str(MASK);
        index = value_end;
    }
    out.push_str(&message[index.min(message.len())..]);
    out
}

/// Hides credentials and the app's own secrets in text that leaves the process: what
/// [`redact_credentials`] hides (always), plus configured literal [secrets](Self::secret),
/// extra `key=value` [keys](Self::key) and regular-expression [patterns](Self::pattern).
///
/// [`Report::redacted`] applies it to every message, location, backtrace and captured output of a
/// report; `smoketest-http` does that to every report it serves.
///
/// ```
/// use smoketest::Redactor;
///
/// let redactor = Redactor::new()
///     .secret("my-api-key-value")
///     .key("session")
///     .pattern(r"sk_live_[0-9a-zA-Z]+")?;
/// assert_eq!(
///     redactor.redact("GET https://u:pw@api/x?session=s1 with my-api-key-value and sk_live_abc123"),
///     "GET https://u:***@api/x?session=*** with *** and ***"
/// );
/// # Ok::<(), smoketest::Error>(())
/// ```
///
/// Its `Debug` output shows how many secrets it holds, never the secrets.
#[derive(Clone, Default)]
pub struct Redactor {
    /// Longest first, so that a secret containing another is hidden whole.
    secrets: Vec<String>,
    /// Lowercase.
    keys: Vec<String>,
    patterns: Vec<Regex>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let patterns: Vec<&str> = self.patterns.iter().map(Regex::as_str).collect();
        f.debug_struct("Redactor")
            .field("secrets", &self.secrets.len())
            .field("keys", &self.keys)
            .field("patterns", &patterns)
            .finish()
    }
}

impl Redactor {
    /// A redactor hiding what [`redact_credentials`] hides.
    pub fn new() -> Self {
        Redactor::default()
    }

    /// Also hides every occurrence of `value` (an API key, a password from the app's config).
    /// An empty value is ignored: it would match everywhere.
    pub fn secret(mut self, value: impl Into<String>) -> Self {
        let value = value.into();
        if !value.is_empty() && !self.secrets.contains(&value) {
            self.secrets.push(value);
            self.secrets
                .sort_by_key(|secret| std::cmp::Reverse(secret.len()));
        }
        self
    }

    /// Also hides the value of `key=value` pairs with this key, any case (`session` hides
    /// `session=abc` and `SESSION=abc`).
    pub fn key(mut self, key: impl Into<String>) -> Self {
        let key = key.into().to_ascii_lowercase();
        if !key.is_empty() && !self.keys.contains(&key) {
            self.keys.push(key);
        }
        self
    }

    /// Also hides every match of the regular expression `pattern` (`regex-lite` syntax).
    ///
    /// # Errors
    ///
    /// When `pattern` is not a valid regular expression: the error names it and says why.
    pub fn pattern(mut self, pattern: &str) -> crate::Result<Self> {
        let regex = Regex::new(pattern).map_err(|error| {
            crate::Error::msg(format!("invalid redaction pattern `{pattern}`: {error}"))
        })?;
        self.patterns.push(regex);
        Ok(self)
    }

    /// `text` with credentials, secrets, keys' values and pattern matches replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        // Secrets first: one may contain what the built-in rules would only partly hide.
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
        out = redact_url_passwords(&out);
        out = redact_authorization_headers(&out);
        out = redact_bearer_tokens(&out);
        out = redact_key_values(&out, &self.keys);
        for pattern in &self.patterns {
            out = pattern.replace_all(&out, MASK).into_owned();
        }
        out
    }
}

impl Report {
    /// The report with `redactor` applied to every test's message, location, backtrace and
    /// captured output — the free text a report carries; names, counts and times are kept.
    ///
    /// ```
    /// let report = smoketest::Runner::new().filter("no test has this name").run(smoketest::Tier::Fast);
    /// let redacted = report.clone().redacted(&smoketest::Redactor::new().secret("hunter2"));
    /// assert_eq!(redacted, report); // no test, nothing to hide
    /// ```
    pub fn redacted(mut self, redactor: &Redactor) -> Report {
        for test in &mut self.tests {
            // Every field is named, so that a field added later can't leave the process
            // unredacted unnoticed: it fails to compile here until it is handled.
            let TestReport {
                name: _,
                suite: _,
                outcome: _,
                time: _,
                message,
                location,
                slow: _,
                rolled_back: _,
                backtrace,
                output,
            } = test;
            let texts = [message, location, backtrace].into_iter().flatten();
            for text in texts.chain(output.iter_mut()) {
                *text = redactor.redact(text);
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::outcome::Outcome;
    use crate::tier::Tier;

    #[test]
    fn passwords_in_urls_and_key_value_pairs_are_hidden() {
        assert_eq!(
            redact_credentials("error connecting to mysql://root:pa:ss@10.0.0.1/db?x=1: refused"),
            "error connecting to mysql://root:***@10.0.0.1/db?x=1: refused"
        );
        assert_eq!(
            redact_credentials("postgres://app@db/app"),
            "postgres://app@db/app"
        );
        assert_eq!(
            redact_credentials("no credentials here"),
            "no credentials here"
        );
        assert_eq!(
            redact_credentials("dsn: host=db PASSWORD=s3cret;Token=abc"),
            "dsn: host=db PASSWORD=***;Token=***"
        );
        assert_eq!(
            redact_credentials("two: redis://:pw@a/ and https://u:p@b/x"),
            "two: redis://:***@a/ and https://u:***@b/x"
        );
        assert_eq!(
            redact_credentials("GET /x?access_token=t1&client_secret=s2&api_key=k3&page=2"),
            "GET /x?access_token=***&client_secret=***&api_key=***&page=2"
        );
    }

    #[test]
    fn authorization_values_are_hidden_and_their_scheme_kept() {
        assert_eq!(
            redact_credentials("Authorization: Bearer abc.def-ghi"),
            "Authorization: Bearer ***"
        );
        assert_eq!(
            redact_credentials(r#"headers: {"authorization": "Basic dTpw"}"#),
            r#"headers: {"authorization": "Basic ***"}"#
        );
        assert_eq!(
            redact_credentials("authorization=s3cr3t next"),
            "authorization=*** next"
        );
        assert_eq!(
            redact_credentials("retrying with Bearer eyJ0eXAi.eyJzdWIi.c2ln=="),
            "retrying with Bearer ***"
        );
        // The word alone, without `:` or `=`, is no header.
        assert_eq!(
            redact_credentials("authorization failed for user app"),
            "authorization failed for user app"
        );
    }

    #[test]
    fn a_redactor_hides_secrets_keys_and_patterns_too() {
        let redactor = Redactor::new()
            .secret("key-1")
            .secret("key-1-long")
            .secret("")
            .key("Session")
            .pattern(r"sk_[a-z0-9]+")
            .unwrap();
        assert_eq!(
            redactor.redact("key-1-long, key-1, SESSION=x sk_abc9 token=t"),
            "***, ***, SESSION=*** *** token=***"
        );
        assert_eq!(redactor.redact(""), "");
        let shown = format!("{redactor:?}");
        assert!(!shown.contains("key-1"), "{shown}");
        assert_eq!(
            Redactor::new().pattern("(").unwrap_err().message(),
            "invalid redaction pattern `(`: ".to_owned()
                + &Regex::new("(").unwrap_err().to_string()
        );
    }

    #[test]
    fn a_redacted_report_hides_messages_backtraces_and_output() {
        let test = TestReport {
            name: "app::smoke::token=name".into(),
            suite: "app::smoke".into(),
            outcome: Outcome::Failed,
            time: 1.0,
            message: Some("postgres://u:secret@h/db token=abc".into()),
            location: Some("src/smoke.rs:3".into()),
            slow: false,
            rolled_back: false,
            backtrace: Some("at connect: password=pw".into()),
            output: vec!["INFO connecting to https://app:pw@api/".into()],
        };
        let report = Report::new(Tier::Fast, vec![test], Duration::ZERO).redacted(&Redactor::new());
        let test = &report.tests[0];
        assert_eq!(
            test.message.as_deref(),
            Some("postgres://u:***@h/db token=***")
        );
        assert_eq!(test.backtrace.as_deref(), Some("at connect: password=***"));
        assert_eq!(test.location.as_deref(), Some("src/smoke.rs:3"));
        assert_eq!(test.output, ["INFO connecting to https://app:***@api/"]);
        // Names are code, not free text: kept, in the test and in the lists.
        assert_eq!(test.name, "app::smoke::token=name");
        assert_eq!(report.failed_tests, ["app::smoke::token=name"]);
    }
}

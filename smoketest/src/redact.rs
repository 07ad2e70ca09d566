//! Redaction: credentials and configured secrets taken out of the free text a report carries —
//! messages, locations, backtraces, captured output — before it leaves the process.
//!
//! [`redact_credentials`] knows the usual shapes of a credential in an error message; a
//! [`Redactor`] adds the app's own secrets, keys and patterns, and [`Report::redacted`] applies
//! it to a whole report, so every format rendered from it (text, JSON, and any added later) is
//! clean.
//!
//! The grammar of what is hidden is in [`redact_credentials`]'s documentation.

#[cfg(test)]
mod proptests;
mod scan;
#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex_lite::Regex;

use crate::report::{Report, TestReport};

/// What a hidden value is replaced with.
const MASK: &str = "***";

/// Removes credentials from `message`, so error messages can be shown in reports that leave the
/// process. The forms it knows, whose grammar follows:
///
/// | form | input | output |
/// | --- | --- | --- |
/// | URL password | `postgres://app:hunter2@db:5432/app` | `postgres://app:***@db:5432/app` |
/// | URL password, percent-encoded | `https://user:p%40ss@host/x` | `https://user:***@host/x` |
/// | URL password with `:` and `@` | `mysql://root:pa:s@s@10.0.0.1/db` | `mysql://root:***@10.0.0.1/db` |
/// | URL without password | `postgres://app@db/app` | `postgres://app@db/app` |
/// | `key=value` | `host=db password=hunter2 user=app` | `host=db password=*** user=app` |
/// | query string | `/x?access_token=t1&client_secret=s2&page=2` | `/x?access_token=***&client_secret=***&page=2` |
/// | any case, `-` or `_` | `DB_PASSWORD=a;X-API-KEY=b,Pwd=c` | `DB_PASSWORD=***;X-API-KEY=***,Pwd=***` |
/// | camelCase key | `accessToken=abc apiKey=def` | `accessToken=*** apiKey=***` |
/// | blanks around `=` | `password = hunter2` | `password = ***` |
/// | session keys | `session=a session_id=b JSESSIONID=c` | `session=*** session_id=*** JSESSIONID=***` |
/// | key containing `secret` | `aws_secret_access_key=abc` | `aws_secret_access_key=***` |
/// | single-quoted value | `password='s3cret pass'` | `password='***'` |
/// | double-quoted value | `token="a b" next` | `token="***" next` |
/// | backquoted value | ``secret=`a b` next`` | ``secret=`***` next`` |
/// | JSON | `{"password":"x y","user":"a"}` | `{"password":"***","user":"a"}` |
/// | JSON, blanks around `:` | `{"password" : "x y"}` | `{"password" : "***"}` |
/// | JSON, unquoted value | `{"pin":1,"api_key":12345,"n":2}` | `{"pin":1,"api_key":***,"n":2}` |
/// | JSON, escaped quote | `{"token":"a\"b","n":1}` | `{"token":"***","n":1}` |
/// | `=>` | `{'passwd' => 'x'}` | `{'passwd' => '***'}` |
/// | YAML | `password: hunter2` | `password: ***` |
/// | header, to the end of the line | `X-Api-Key: abc def` | `X-Api-Key: ***` |
/// | `Cookie` header | `Cookie: session=abc; theme=dark` | `Cookie: ***` |
/// | `Set-Cookie` header | `Set-Cookie: id=abc; Path=/` | `Set-Cookie: ***` |
/// | `Authorization` header | `Authorization: Bearer abc def` | `Authorization: Bearer ***` |
/// | `Authorization` in JSON | `{"authorization": "Basic dTpw"}` | `{"authorization": "Basic ***"}` |
/// | `Bearer` anywhere | `retrying with Bearer eyJ0.eyJz.c2ln== now` | `retrying with Bearer *** now` |
/// | not a key: prose | `the secretary passed the token to me` | `the secretary passed the token to me` |
/// | not a key: other names | `tokens_used=5 password_hash=x` | `tokens_used=5 password_hash=x` |
/// | not a key: paths | `at auth::token::refresh (src/secret.rs:42)` | `at auth::token::refresh (src/secret.rs:42)` |
///
/// ```
/// assert_eq!(
///     smoketest::redact_credentials("cannot connect to postgres://app:hunter2@db:5432/app"),
///     "cannot connect to postgres://app:***@db:5432/app"
/// );
/// assert_eq!(smoketest::redact_credentials("host=db password=hunter2 user=app"), "host=db password=*** user=app");
/// assert_eq!(
///     smoketest::redact_credentials("sent Authorization: Bearer eyJhbGciOi.x.y\ngot 403"),
///     "sent Authorization: Bearer ***\ngot 403"
/// );
/// ```
///
/// # Grammar
///
/// Credentials are found in one left-to-right pass, so redaction takes time linear in
/// the text whatever it holds. A hidden value becomes `***`; an empty value stays empty.
///
/// - **Word**: a longest run of ASCII letters, digits, `_`, `-` and `.`.
/// - **Sensitive key**: a word containing `secret` (any case: `client_secret`,
///   `aws_secret_access_key`, `clientSecret`, and also `secretary`), or a word that — lowercase,
///   `-` read as `_` — is one of `password`, `passwd`, `pwd`, `pass`, `passphrase`, `token`,
///   `api_key`, `apikey`, `private_key`, `privatekey`, `cookie`, `session`, `session_id`,
///   `sessionid`, `jsessionid`, `phpsessid`, `authorization` or a [`Redactor::key`], or ends with
///   one after `_`, `-`, `.` or a lowercase-to-uppercase step (`access_token`, `db.password`,
///   `X-Api-Key`, `Set-Cookie`, `accessToken`). So `tokens_used`, `password_hash`, `passed` and
///   `bypass` are not keys. Neither is `credentials`: it shows up in prose ("invalid
///   credentials: …") far more than in front of a value, and credentials themselves come in the
///   forms listed here.
/// - **Separator**: after the key — which may be wrapped in the same quote (`"`, `'` or `` ` ``)
///   on both sides — blanks (spaces, tabs), then `=`, `=>` or a `:` that is not `::`, then
///   blanks. Behind an unquoted key, `:` must be followed by a blank or a quote, which keeps
///   `auth::token::refresh` and `src/secret.rs:42` whole. A key without a separator is prose:
///   nothing is hidden.
/// - **Value**, from the end of the separator:
///   - quoted (`"`, `'`, `` ` ``): up to the same quote, `\` escaping the next character; the
///     quotes are kept. Without a closing quote, up to the end of the line;
///   - after an unquoted key and `:` (an HTTP header, YAML): up to the end of the line (`\n`,
///     `\r`, U+0085, U+2028, U+2029), so `Cookie: a=1; b=2` is hidden whole;
///   - otherwise (`key=value`, `"key": value`): up to whitespace or one of `&`, `,`, `;`, `"`,
///     `'`, `` ` ``, `}`, `]`. A `)` does not end it: a password may contain one;
///   - for an `authorization` key, a leading scheme (`Bearer`, `Basic`, `Digest`, `Token`,
///     `Negotiate`, `NTLM`, any case) followed by a space is kept, with the spaces after it.
/// - **Bearer token**: the word `Bearer` followed by spaces and a token (letters, digits,
///   `-._~+/=`), anywhere: the token is hidden.
/// - **URL**: after `://`, the authority runs up to whitespace or one of `/ ? # " ' `` ` `` < >`.
///   When it holds an `@`, the userinfo is everything before its *last* `@` (a password may
///   contain `@`), and the password is everything after the userinfo's *first* `:` (a password
///   may contain `:`; a user name can't). The user name is kept, and so is a userinfo without
///   `:` (a user name alone). The userinfo is not searched for keys.
///
/// A [`Redactor`] first replaces its literal [secrets](Redactor::secret) (all at once, the
/// longest where they overlap), then makes the pass above, then replaces each
/// [pattern](Redactor::pattern)'s matches.
pub fn redact_credentials(message: &str) -> String {
    scan::redact(message, &[])
}

/// Hides credentials and the app's own secrets in text that leaves the process: what
/// [`redact_credentials`] hides (always), plus configured literal [secrets](Self::secret),
/// extra [keys](Self::key) and regular-expression [patterns](Self::pattern).
///
/// [`Report::redacted`] applies it to every message, location, backtrace and captured output of a
/// report; `smoketest-http` does that to every report it serves.
///
/// ```
/// use smoketest::Redactor;
///
/// let redactor = Redactor::new()
///     .secret("my-api-key-value")
///     .key("tenant")
///     .pattern(r"sk_live_[0-9a-zA-Z]+")?;
/// assert_eq!(
///     redactor.redact("GET https://u:pw@api/x?tenant=t1 with my-api-key-value and sk_live_abc123"),
///     "GET https://u:***@api/x?tenant=*** with *** and ***"
/// );
/// # Ok::<(), smoketest::Error>(())
/// ```
///
/// Its `Debug` output shows how many secrets it holds, never the secrets.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
    /// All the secrets in one automaton, built at the first [`redact`](Self::redact) after a
    /// secret is added (an endpoint adds them one by one).
    matcher: OnceLock<AhoCorasick>,
    /// Normalized: lowercase, `-` written `_`.
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
    /// Where secrets overlap, the longest is hidden whole. An empty value is ignored: it would
    /// match everywhere.
    pub fn secret(mut self, value: impl Into<String>) -> Self {
        let value = value.into();
        if !value.is_empty() && !self.secrets.contains(&value) {
            self.secrets.push(value);
            self.matcher = OnceLock::new();
        }
        self
    }

    /// Also hides the values of this key, any case, `-` and `_` alike, in every form
    /// [`redact_credentials`] knows (`tenant` hides `tenant=abc`, `TENANT: abc`,
    /// `"tenant":"abc"` and `x-tenant=abc`). A key is made of letters, digits, `_`, `-` and `.`;
    /// another one never matches.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        let key = key.into().to_ascii_lowercase().replace('-', "_");
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
        // Secrets first: one may contain what the credential pass would only partly hide.
        let text = if self.secrets.is_empty() {
            scan::redact(text, &self.keys)
        } else {
            let mut hidden = String::with_capacity(text.len());
            self.matcher()
                .replace_all_with(text, &mut hidden, |_, _, out| {
                    out.push_str(MASK);
                    true
                });
            scan::redact(&hidden, &self.keys)
        };
        self.patterns.iter().fold(text, |text, pattern| {
            match pattern.replace_all(&text, MASK) {
                std::borrow::Cow::Borrowed(_) => text,
                std::borrow::Cow::Owned(replaced) => replaced,
            }
        })
    }

    fn matcher(&self) -> &AhoCorasick {
        self.matcher.get_or_init(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&self.secrets)
                // Building fails only past aho-corasick's limits on pattern count and length
                // (billions), far beyond any app's configuration.
                .expect("an automaton for the configured secrets")
        })
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
                attempts: _,
                tags: _,
                owner: _,
                runbook: _,
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

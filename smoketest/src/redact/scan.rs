//! The single left-to-right pass that hides credentials, following the grammar documented on
//! [`redact_credentials`](super::redact_credentials).
//!
//! Every byte is looked at a bounded number of times: a word is read once, a value is read once
//! and skipped, an URL's authority is read once and skipped past its `@`. Output is copied in
//! runs from the input (`copied` marks how far), so a match costs one push of the mask.

use super::MASK;

/// Sensitive key names, normalized (ASCII lowercase, `-` written `_`). A key matches when its
/// normalized name equals one of these or ends with one after `_`, `.` or a lowercase-to-
/// uppercase step (`access_token`, `db.password`, `accessToken`).
pub(super) const KEYS: [&str; 17] = [
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "token",
    "api_key",
    "apikey",
    "private_key",
    "privatekey",
    "cookie",
    "session",
    "session_id",
    "sessionid",
    "jsessionid",
    "phpsessid",
    "authorization",
];

/// A key containing this (any case) is sensitive wherever it appears in the name
/// (`aws_secret_access_key`, `clientSecret`).
const SECRET: &[u8] = b"secret";

/// The key whose values may start with an authentication scheme, kept in front of the mask.
const AUTHORIZATION: &str = "authorization";

/// Authentication schemes, kept in front of the hidden credential: they say what was hidden.
const SCHEMES: [&str; 6] = ["bearer", "basic", "digest", "token", "negotiate", "ntlm"];

/// Hides the credentials in `text`; `extra_keys` (normalized) are sensitive like [`KEYS`].
pub(super) fn redact(text: &str, extra_keys: &[String]) -> String {
    let mut scanner = Scanner {
        text,
        bytes: text.as_bytes(),
        extra_keys,
        out: String::with_capacity(text.len()),
        copied: 0,
    };
    scanner.run();
    scanner.out
}

/// Letters, digits, `_`, `-` and `.`: what key names are made of.
pub(super) fn is_key_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.')
}

/// The quotes a key or a value may be wrapped in.
pub(super) fn is_quote(byte: u8) -> bool {
    matches!(byte, b'"' | b'\'' | b'`')
}

/// Ends a header or YAML value.
pub(super) fn is_line_end(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Ends an unquoted `key=value` (or JSON) value.
pub(super) fn ends_value(c: char) -> bool {
    c.is_whitespace() || matches!(c, '&' | ',' | ';' | '"' | '\'' | '`' | '}' | ']')
}

/// Ends an URL's authority (`user:password@host:port`).
pub(super) fn ends_authority(c: char) -> bool {
    c.is_whitespace() || matches!(c, '/' | '?' | '#' | '"' | '\'' | '`' | '<' | '>')
}

/// What a bearer token is made of: RFC 6750's b64token (a key byte is one too, so a token
/// never ends right before a word).
pub(super) fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~+/=".contains(&byte)
}

/// `word` (key bytes) is `name` (normalized), or ends with it after `_`, `-`, `.` or a
/// lowercase-to-uppercase step.
pub(super) fn key_matches(word: &[u8], name: &str) -> bool {
    let name = name.as_bytes();
    let Some(start) = word.len().checked_sub(name.len()) else {
        return false;
    };
    let normalized = |byte: u8| match byte {
        b'-' => b'_',
        byte => byte.to_ascii_lowercase(),
    };
    let same = word[start..]
        .iter()
        .zip(name)
        .all(|(&byte, &expected)| normalized(byte) == expected);
    same && (start == 0 || {
        let before = word[start - 1];
        matches!(before, b'_' | b'-' | b'.')
            || (word[start].is_ascii_uppercase()
                && (before.is_ascii_lowercase() || before.is_ascii_digit()))
    })
}

/// How a value after a separator ends, when it is not quoted.
#[derive(Clone, Copy)]
enum Form {
    /// `key=value`, `"key": value`: at whitespace or a delimiter ([`ends_value`]).
    Delimited,
    /// `Key: value` (a header, YAML): at the end of the line.
    Line,
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    extra_keys: &'a [String],
    out: String,
    /// `text[..copied]` is in `out`, as it is or masked.
    copied: usize,
}

impl Scanner<'_> {
    fn run(&mut self) {
        let mut at = 0;
        while at < self.bytes.len() {
            let byte = self.bytes[at];
            at = if is_key_byte(byte) {
                // Every position the loop lands on after a word, a value or an URL's userinfo
                // follows a byte that is not a key byte: this is the start of a word.
                let end = at
                    + self.bytes[at..]
                        .iter()
                        .take_while(|&&b| is_key_byte(b))
                        .count();
                self.word(at, end)
            } else if self.bytes[at..].starts_with(b"://") {
                self.url(at + 3)
            } else {
                // Bytes of a multi-byte character are never key bytes nor `:`.
                at + 1
            };
        }
        self.copy_to(self.bytes.len());
    }

    fn copy_to(&mut self, end: usize) {
        self.out.push_str(&self.text[self.copied..end]);
        self.copied = end;
    }

    /// `text[start..end]` becomes the mask, unless empty: nothing to hide.
    fn mask(&mut self, start: usize, end: usize) {
        if end > start {
            self.copy_to(start);
            self.out.push_str(MASK);
            self.copied = end;
        }
    }

    /// The word `start..end`: a sensitive key with its value, `Bearer <token>`, or a plain word.
    /// Returns where scanning goes on.
    fn word(&mut self, start: usize, end: usize) -> usize {
        let word = &self.bytes[start..end];
        let quote = start
            .checked_sub(1)
            .map(|before| self.bytes[before])
            .filter(|&quote| is_quote(quote) && self.bytes.get(end) == Some(&quote));
        if let Some(authorization) = self.sensitive(word) {
            let after_key = end + usize::from(quote.is_some());
            if let Some((value, form)) = self.separator(after_key, quote.is_some()) {
                return self.value(value, form, authorization);
            }
        }
        if word == b"Bearer" {
            if let Some(token_end) = self.bearer(end) {
                return token_end;
            }
        }
        end
    }

    /// `Some(is_authorization)` when `word` names a sensitive key.
    fn sensitive(&self, word: &[u8]) -> Option<bool> {
        if word
            .windows(SECRET.len())
            .any(|window| window.eq_ignore_ascii_case(SECRET))
        {
            return Some(false);
        }
        let mut names = KEYS
            .iter()
            .copied()
            .chain(self.extra_keys.iter().map(String::as_str));
        names
            .find(|name| key_matches(word, name))
            .map(|name| name == AUTHORIZATION)
    }

    /// Spaces or tabs from `at` on.
    fn skip_blanks(&self, mut at: usize) -> usize {
        while matches!(self.bytes.get(at), Some(b' ' | b'\t')) {
            at += 1;
        }
        at
    }

    /// After a key: blanks, then `=`, `=>` or `:` (not `::`), then blanks. Behind an unquoted
    /// key, `:` must be followed by a blank or a quote (`Key: value`, `key:"value"`): that keeps
    /// `token::path` and `secrets.rs:42` whole. Returns where the value starts and its form.
    fn separator(&self, at: usize, quoted_key: bool) -> Option<(usize, Form)> {
        let at = self.skip_blanks(at);
        match self.bytes.get(at)? {
            b'=' => {
                let arrow = usize::from(self.bytes.get(at + 1) == Some(&b'>'));
                Some((self.skip_blanks(at + 1 + arrow), Form::Delimited))
            }
            b':' => {
                let next = self.bytes.get(at + 1).copied();
                if next == Some(b':') {
                    None
                } else if quoted_key {
                    Some((self.skip_blanks(at + 1), Form::Delimited))
                } else if next.is_some_and(|next| matches!(next, b' ' | b'\t') || is_quote(next)) {
                    Some((self.skip_blanks(at + 1), Form::Line))
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// Masks the value starting at `start`; returns where it ends (after its closing quote).
    fn value(&mut self, start: usize, form: Form, authorization: bool) -> usize {
        let Some(&quote) = self.bytes.get(start).filter(|&&b| is_quote(b)) else {
            let start = self.after_scheme(start, authorization);
            let rest = &self.text[start..];
            let length = match form {
                Form::Delimited => rest.find(ends_value),
                Form::Line => rest.find(is_line_end),
            };
            let end = start + length.unwrap_or(rest.len());
            self.mask(start, end);
            return end;
        };
        let inside = self.after_scheme(start + 1, authorization);
        let (end, closed) = self.closing_quote(inside, char::from(quote));
        self.mask(inside, end);
        end + usize::from(closed)
    }

    /// Where a quoted value starting at `start` ends: at `quote` (not after `\`), else at the end
    /// of the line (the value is hidden up to there). `(position, found the quote)`.
    fn closing_quote(&self, start: usize, quote: char) -> (usize, bool) {
        let mut chars = self.text[start..].char_indices();
        while let Some((offset, c)) = chars.next() {
            if c == '\\' {
                chars.next();
            } else if c == quote {
                return (start + offset, true);
            } else if is_line_end(c) {
                return (start + offset, false);
            }
        }
        (self.text.len(), false)
    }

    /// For an authorization value: past a leading scheme and the spaces after it.
    fn after_scheme(&self, start: usize, authorization: bool) -> usize {
        if !authorization {
            return start;
        }
        let rest = &self.bytes[start..];
        let length = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let is_scheme = SCHEMES
            .iter()
            .any(|scheme| rest[..length].eq_ignore_ascii_case(scheme.as_bytes()));
        if is_scheme && rest.get(length) == Some(&b' ') {
            self.skip_spaces(start + length)
        } else {
            start
        }
    }

    fn skip_spaces(&self, mut at: usize) -> usize {
        while self.bytes.get(at) == Some(&b' ') {
            at += 1;
        }
        at
    }

    /// `Bearer` ends at `at`: spaces and a token there are hidden. Returns the token's end.
    fn bearer(&mut self, at: usize) -> Option<usize> {
        let start = self.skip_spaces(at);
        if start == at {
            return None;
        }
        let length = self.bytes[start..]
            .iter()
            .take_while(|&&b| is_token_byte(b))
            .count();
        (length > 0).then(|| {
            self.mask(start, start + length);
            start + length
        })
    }

    /// An URL's authority starts at `start` (after `://`): the password in its userinfo — from
    /// the first `:` to the last `@` of the authority — is hidden. Returns where scanning goes
    /// on: at that `@` (the user name is copied as it is), or at `start` without userinfo.
    fn url(&mut self, start: usize) -> usize {
        let rest = &self.text[start..];
        let authority = &rest[..rest.find(ends_authority).unwrap_or(rest.len())];
        let Some(at_sign) = authority.rfind('@') else {
            return start;
        };
        if let Some(colon) = authority[..at_sign].find(':') {
            self.mask(start + colon + 1, start + at_sign);
        }
        start + at_sign
    }
}

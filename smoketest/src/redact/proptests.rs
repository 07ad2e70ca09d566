//! The credential pass against a reference implementation of the same grammar, on texts made
//! of fragments that meet at every kind of boundary.
//!
//! The reference works on a vector of characters: at each position it tries the rules one after
//! the other and, when one applies, copies what it keeps, writes the mask and jumps past what it
//! hid. Slow (it rebuilds strings for every word) and written for reading, not speed.

use proptest::prelude::*;

use super::scan::KEYS;
use super::*;

const SCHEMES: [&str; 6] = ["bearer", "basic", "digest", "token", "negotiate", "ntlm"];

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'
}

fn is_quote(c: char) -> bool {
    c == '"' || c == '\'' || c == '`'
}

fn is_line_end(c: char) -> bool {
    "\n\r\u{85}\u{2028}\u{2029}".contains(c)
}

fn is_blank(c: Option<&char>) -> bool {
    c == Some(&' ') || c == Some(&'\t')
}

/// What the rule at a position does: copy `chars[position..hide_from]`, write the mask if
/// `hide_from < hide_to`, then go on at `hide_to`.
struct Hit {
    hide_from: usize,
    hide_to: usize,
}

fn reference(text: &str, extra_keys: &[&str]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match url_at(&chars, i).or_else(|| word_at(&chars, i, extra_keys)) {
            Some(hit) => {
                out.extend(&chars[i..hit.hide_from]);
                if hit.hide_from < hit.hide_to {
                    out.push_str("***");
                }
                i = hit.hide_to;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

fn url_at(chars: &[char], i: usize) -> Option<Hit> {
    if chars.get(i..i + 3) != Some(&[':', '/', '/']) {
        return None;
    }
    let start = i + 3;
    let mut end = start;
    while end < chars.len() && !(chars[end].is_whitespace() || "/?#\"'`<>".contains(chars[end])) {
        end += 1;
    }
    let at_sign = (start..end).rev().find(|&k| chars[k] == '@')?;
    match (start..at_sign).find(|&k| chars[k] == ':') {
        Some(colon) => Some(Hit {
            hide_from: colon + 1,
            hide_to: at_sign,
        }),
        None => Some(Hit {
            hide_from: at_sign,
            hide_to: at_sign,
        }),
    }
}

fn is_sensitive(word: &str, name: &str) -> bool {
    let lower = word.to_ascii_lowercase().replace('-', "_");
    if lower == name || lower.ends_with(&format!("_{name}")) || lower.ends_with(&format!(".{name}"))
    {
        return true;
    }
    // camelCase: the name starts at an uppercase letter after a lowercase letter or a digit.
    let word: Vec<char> = word.chars().collect();
    lower.ends_with(name) && word.len() > name.len() && {
        let start = word.len() - name.len();
        word[start].is_ascii_uppercase()
            && (word[start - 1].is_ascii_lowercase() || word[start - 1].is_ascii_digit())
    }
}

fn word_at(chars: &[char], i: usize, extra_keys: &[&str]) -> Option<Hit> {
    if !is_key_char(chars[i]) || (i > 0 && is_key_char(chars[i - 1])) {
        return None;
    }
    let mut end = i;
    while end < chars.len() && is_key_char(chars[end]) {
        end += 1;
    }
    let word: String = chars[i..end].iter().collect();
    let contains_secret = word.to_ascii_lowercase().contains("secret");
    let names = KEYS.iter().copied().chain(extra_keys.iter().copied());
    let matched: Vec<&str> = names.filter(|name| is_sensitive(&word, name)).collect();
    if contains_secret || !matched.is_empty() {
        let authorization = !contains_secret && matched[0] == "authorization";
        let quoted = i > 0 && is_quote(chars[i - 1]) && chars.get(end) == Some(&chars[i - 1]);
        let after_key = if quoted { end + 1 } else { end };
        if let Some(hit) = key_value(chars, after_key, quoted, authorization) {
            return Some(hit);
        }
    }
    if word == "Bearer" {
        let mut start = end;
        while chars.get(start) == Some(&' ') {
            start += 1;
        }
        let mut token_end = start;
        while token_end < chars.len()
            && (chars[token_end].is_ascii_alphanumeric() || "-._~+/=".contains(chars[token_end]))
        {
            token_end += 1;
        }
        if start > end && token_end > start {
            return Some(Hit {
                hide_from: start,
                hide_to: token_end,
            });
        }
    }
    Some(Hit {
        hide_from: end,
        hide_to: end,
    })
}

fn skip_blanks(chars: &[char], mut k: usize) -> usize {
    while is_blank(chars.get(k)) {
        k += 1;
    }
    k
}

fn key_value(chars: &[char], after_key: usize, quoted: bool, authorization: bool) -> Option<Hit> {
    let k = skip_blanks(chars, after_key);
    let (value, to_line_end) = match chars.get(k)? {
        '=' if chars.get(k + 1) == Some(&'>') => (skip_blanks(chars, k + 2), false),
        '=' => (skip_blanks(chars, k + 1), false),
        ':' if chars.get(k + 1) == Some(&':') => return None,
        ':' if quoted => (skip_blanks(chars, k + 1), false),
        ':' if is_blank(chars.get(k + 1)) || chars.get(k + 1).is_some_and(|&c| is_quote(c)) => {
            (skip_blanks(chars, k + 1), true)
        }
        _ => return None,
    };
    let skip_scheme = |start: usize| {
        if !authorization {
            return start;
        }
        let mut end = start;
        while end < chars.len() && chars[end].is_ascii_alphanumeric() {
            end += 1;
        }
        let scheme: String = chars[start..end].iter().collect();
        if SCHEMES.iter().any(|s| scheme.eq_ignore_ascii_case(s)) && chars.get(end) == Some(&' ') {
            while chars.get(end) == Some(&' ') {
                end += 1;
            }
            end
        } else {
            start
        }
    };
    if let Some(&quote) = chars.get(value).filter(|&&c| is_quote(c)) {
        let start = skip_scheme(value + 1);
        let mut k = start;
        loop {
            match chars.get(k) {
                None => break,
                Some('\\') => k += 2,
                Some(&c) if c == quote || is_line_end(c) => break,
                Some(_) => k += 1,
            }
        }
        // The closing quote, if any, is at `end`: the main loop copies it.
        let end = k.min(chars.len());
        return Some(Hit {
            hide_from: start,
            hide_to: end,
        });
    }
    let start = skip_scheme(value);
    let mut end = start;
    while end < chars.len() {
        let c = chars[end];
        let ends = if to_line_end {
            is_line_end(c)
        } else {
            c.is_whitespace() || "&,;\"'`}]".contains(c)
        };
        if ends {
            break;
        }
        end += 1;
    }
    Some(Hit {
        hide_from: start,
        hide_to: end,
    })
}

/// Pieces that make keys, separators, quotes, values, URLs and line ends meet in every order.
const FRAGMENTS: &[&str] = &[
    "password",
    "Token",
    "x-api-key",
    "access_token",
    "secret",
    "secretary",
    "passed",
    "Authorization",
    "Cookie",
    "session",
    "tokens_used",
    "accessToken",
    "tenant",
    "=",
    ": ",
    ":",
    "::",
    "\":\"",
    "\"",
    "'",
    "`",
    "\\",
    " => ",
    "://user:pw@",
    "://",
    "@",
    "/",
    "Bearer ",
    "Basic ",
    "hunter2",
    "s3cr3t",
    "abc",
    "x y",
    " ",
    "\t",
    "\n",
    "\r\n",
    "&",
    ";",
    ",",
    "}",
    "]",
    ")",
    "é",
    "\u{2028}",
    "*",
    "-",
    "_",
    ".",
    "{",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..24).prop_map(|parts| parts.concat())
}

// Default case count (256, or `PROPTEST_CASES`): well under a second unoptimized.
proptest! {
    #[test]
    fn the_pass_agrees_with_the_reference(text in text()) {
        prop_assert_eq!(redact_credentials(&text), reference(&text, &[]));
        let redactor = Redactor::new().key("Tenant");
        prop_assert_eq!(redactor.redact(&text), reference(&text, &["tenant"]));
    }

    #[test]
    fn configured_secrets_never_show(text in text()) {
        let redactor = Redactor::new().secret("hunter2").secret("s3cr3t").secret("x y\né");
        let redacted = redactor.redact(&text);
        for secret in ["hunter2", "s3cr3t", "x y\né"] {
            prop_assert!(!redacted.contains(secret), "{:?} → {:?}", text, redacted);
        }
    }

    #[test]
    fn redaction_is_idempotent(text in text()) {
        let once = redact_credentials(&text);
        prop_assert_eq!(redact_credentials(&once), once.clone(), "{:?}", text);
    }
}

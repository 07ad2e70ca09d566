//! `runbook = "https://..."`: the page operators open from a failing test's report.

use syn::meta::ParseNestedMeta;

use super::string;

const EXAMPLE: &str = "`runbook = \"https://wiki.example.com/runbooks/payments\"`";

/// Reads the value of `runbook`: an absolute `http` or `https` URL with a host and no
/// credentials.
pub(super) fn parse(meta: &ParseNestedMeta<'_>) -> syn::Result<String> {
    let literal = string(meta, "runbook", EXAMPLE)?;
    check(&literal.value()).map_err(|message| syn::Error::new(literal.span(), message))?;
    Ok(literal.value())
}

/// Why `text` is not a runbook link, and what to write instead. Reports show the link to whoever
/// reads them and browsers open it, so it must be absolute, http(s), and carry no password; the
/// last word on the syntax is the `http` crate's request-URI parser.
fn check(text: &str) -> Result<(), String> {
    let fail = |why: String| Err(format!("runbook {text:?} {why}"));
    if text.trim().is_empty() {
        return Err(format!(
            "the runbook is empty; write the URL of the page that says what to do when this test \
             fails, e.g. {EXAMPLE}"
        ));
    }
    let Some((scheme, rest)) = scheme(text) else {
        return fail(without_scheme(text));
    };
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return fail(format!(
            "uses the `{scheme}:` scheme; reports link to the runbook for a browser to open: write an \
             http(s) URL, e.g. {EXAMPLE}"
        ));
    }
    let authority = rest
        .strip_prefix("//")
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
    if authority.is_none_or(str::is_empty) {
        return fail(format!("has no host; write e.g. {EXAMPLE}"));
    }
    if let Some(bad) = text.chars().find(|c| !allowed_in_url(*c)) {
        let encoded: String = bad
            .encode_utf8(&mut [0; 4])
            .bytes()
            .map(|byte| format!("%{byte:02X}"))
            .collect();
        let what = if bad == ' ' {
            "a space".to_owned()
        } else {
            format!("the character {bad:?}")
        };
        return fail(format!(
            "has {what}, which a URL holds percent-encoded: write `{encoded}` in its place"
        ));
    }
    if authority.is_some_and(|authority| authority.contains('@')) {
        return fail(
            "has a user name or password in it, which every reader of the report would see; \
             link to the page without credentials"
                .to_owned(),
        );
    }
    let uri: http::Uri = match text.parse() {
        Ok(uri) => uri,
        Err(error) => {
            return fail(format!(
                "is not a valid URL ({error}); write e.g. {EXAMPLE}"
            ));
        }
    };
    let Some(host) = uri.host().filter(|host| !host.is_empty()) else {
        return fail(format!("has no host; write e.g. {EXAMPLE}"));
    };
    // The `http` crate leaves the port unchecked until it is asked for as a number.
    let port = uri
        .authority()
        .and_then(|authority| authority.as_str().rsplit_once(host))
        .and_then(|(_, after_host)| after_host.strip_prefix(':'))
        .unwrap_or_default();
    if !port.is_empty() && !port.parse::<u16>().is_ok_and(|port| port > 0) {
        return fail(format!(
            "has the port {port:?}; a port is a number from 1 to 65535, e.g. \
             `runbook = \"https://wiki.example.com:8443/runbooks/payments\"`"
        ));
    }
    Ok(())
}

/// The characters RFC 3986 allows in a URL as they are; others are written percent-encoded.
fn allowed_in_url(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

/// The scheme and what follows its colon, as RFC 3986 spells a scheme; `None` when the text
/// has none, including `host:8080/...`, whose "scheme" would be followed by a port.
fn scheme(text: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = text.split_once(':')?;
    let mut chars = scheme.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let port = rest.starts_with(|c: char| c.is_ascii_digit());
    (well_formed && !port).then_some((scheme, rest))
}

/// What is wrong with a runbook that has no scheme, with the URL to write when it can be
/// guessed.
fn without_scheme(text: &str) -> String {
    if text.starts_with("//") {
        return format!("has no scheme; write `runbook = \"https:{text}\"`");
    }
    if let Some(path) = text.strip_prefix('/') {
        return format!(
            "is a path, not an absolute URL; write it with its scheme and host, e.g. \
             `runbook = \"https://wiki.example.com/{path}\"`"
        );
    }
    let host = text.split(['/', '?', '#']).next().unwrap_or_default();
    let looks_like_a_host = !text.contains(char::is_whitespace)
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.');
    if looks_like_a_host {
        format!("has no scheme; write `runbook = \"https://{text}\"`")
    } else {
        format!("is not a URL; write an absolute http(s) URL, e.g. {EXAMPLE}")
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::super::test_support::{messages, parse_ok};
    use super::check;

    const EXAMPLE: &str = "`runbook = \"https://wiki.example.com/runbooks/payments\"`";

    fn error(text: &str) -> String {
        let mut messages = messages(quote!(runbook = #text));
        assert_eq!(messages.len(), 1, "{messages:?}");
        messages.remove(0)
    }

    #[test]
    fn a_runbook_is_an_absolute_http_or_https_url() {
        assert_eq!(parse_ok(quote!()).runbook, None);
        for url in [
            "https://wiki.example.com/runbooks/payments",
            "https://wiki.example.com/runbooks/payments#db",
            "http://wiki.internal:8080/runbooks?page=db&section=2",
            "https://wiki.example.com",
            "HTTPS://wiki.example.com/x",
            "https://10.0.0.7/runbooks",
            "https://[::1]:8443/runbooks",
            "https://wiki.example.com:/runbooks",
            "https://wiki.example.com/runbooks/zahlungsdienst-%C3%BC",
        ] {
            assert_eq!(check(url), Ok(()), "{url}");
            assert_eq!(
                parse_ok(quote!(runbook = #url)).runbook.as_deref(),
                Some(url)
            );
        }
    }

    #[test]
    fn a_relative_runbook_is_refused_with_the_absolute_url_to_write() {
        assert_eq!(
            error("/runbooks/db"),
            "runbook \"/runbooks/db\" is a path, not an absolute URL; write it with its scheme and \
             host, e.g. `runbook = \"https://wiki.example.com/runbooks/db\"`"
        );
        assert_eq!(
            error("wiki.example.com/runbooks/db"),
            "runbook \"wiki.example.com/runbooks/db\" has no scheme; write \
             `runbook = \"https://wiki.example.com/runbooks/db\"`"
        );
        assert_eq!(
            error("wiki.example.com:8080/runbooks/db"),
            "runbook \"wiki.example.com:8080/runbooks/db\" has no scheme; write \
             `runbook = \"https://wiki.example.com:8080/runbooks/db\"`"
        );
        assert_eq!(
            error("//wiki.example.com/runbooks/db"),
            "runbook \"//wiki.example.com/runbooks/db\" has no scheme; write \
             `runbook = \"https://wiki.example.com/runbooks/db\"`"
        );
    }

    #[test]
    fn a_runbook_for_another_scheme_is_refused() {
        assert_eq!(
            error("ftp://files.example.com/runbook.pdf"),
            format!(
                "runbook \"ftp://files.example.com/runbook.pdf\" uses the `ftp:` scheme; reports link to \
                 the runbook for a browser to open: write an http(s) URL, e.g. {EXAMPLE}"
            )
        );
        assert_eq!(
            error("mailto:payments@example.com"),
            format!(
                "runbook \"mailto:payments@example.com\" uses the `mailto:` scheme; reports link to the \
                 runbook for a browser to open: write an http(s) URL, e.g. {EXAMPLE}"
            )
        );
        assert_eq!(
            error("file:///srv/runbooks/db.md"),
            format!(
                "runbook \"file:///srv/runbooks/db.md\" uses the `file:` scheme; reports link to the \
                 runbook for a browser to open: write an http(s) URL, e.g. {EXAMPLE}"
            )
        );
    }

    #[test]
    fn text_that_is_not_a_url_is_refused() {
        assert_eq!(
            error("see the wiki"),
            format!(
                "runbook \"see the wiki\" is not a URL; write an absolute http(s) URL, e.g. \
                 {EXAMPLE}"
            )
        );
        assert_eq!(
            error("runbooks"),
            format!(
                "runbook \"runbooks\" is not a URL; write an absolute http(s) URL, e.g. {EXAMPLE}"
            )
        );
        for blank in ["", " "] {
            assert_eq!(
                error(blank),
                format!(
                    "the runbook is empty; write the URL of the page that says what to do when \
                     this test fails, e.g. {EXAMPLE}"
                )
            );
        }
    }

    #[test]
    fn a_runbook_needs_a_host() {
        for url in [
            "https://",
            "https:///runbooks/db",
            "https:runbooks",
            "http://?q",
        ] {
            assert_eq!(
                error(url),
                format!("runbook {url:?} has no host; write e.g. {EXAMPLE}")
            );
        }
    }

    #[test]
    fn characters_a_url_cannot_hold_are_named_with_their_encoding() {
        assert_eq!(
            error("https://wiki.example.com/run books"),
            "runbook \"https://wiki.example.com/run books\" has a space, which a URL holds \
             percent-encoded: write `%20` in its place"
        );
        assert_eq!(
            error("https://wiki.example.com/zahlungsdienst-ü"),
            "runbook \"https://wiki.example.com/zahlungsdienst-ü\" has the character 'ü', which \
             a URL holds percent-encoded: write `%C3%BC` in its place"
        );
        assert_eq!(
            error("https://wiki.example.com/a\"b"),
            "runbook \"https://wiki.example.com/a\\\"b\" has the character '\"', which a URL \
             holds percent-encoded: write `%22` in its place"
        );
        assert_eq!(
            error("https://wiki.example.com/{page}"),
            "runbook \"https://wiki.example.com/{page}\" has the character '{', which a URL \
             holds percent-encoded: write `%7B` in its place"
        );
    }

    #[test]
    fn a_port_is_a_number() {
        for port in ["99999", "abc", "0"] {
            let url = format!("https://wiki.example.com:{port}/runbooks/db");
            assert_eq!(
                error(&url),
                format!(
                    "runbook {url:?} has the port {port:?}; a port is a number from 1 to 65535, \
                     e.g. `runbook = \"https://wiki.example.com:8443/runbooks/payments\"`"
                )
            );
        }
    }

    #[test]
    fn a_malformed_authority_is_refused_in_the_http_crates_words() {
        assert_eq!(
            error("https://[::1/runbooks"),
            format!(
                "runbook \"https://[::1/runbooks\" is not a valid URL (invalid authority); \
                 write e.g. {EXAMPLE}"
            )
        );
    }

    #[test]
    fn a_runbook_carries_no_credentials() {
        assert_eq!(
            error("https://ops:hunter2@wiki.example.com/runbooks/db"),
            "runbook \"https://ops:hunter2@wiki.example.com/runbooks/db\" has a user name or \
             password in it, which every reader of the report would see; link to the page \
             without credentials"
        );
    }

    #[test]
    fn the_runbook_is_a_string_literal_given_once() {
        assert_eq!(
            messages(quote!(runbook)),
            [format!("`runbook` needs a value, e.g. {EXAMPLE}")]
        );
        assert_eq!(
            messages(quote!(runbook = RUNBOOK)),
            [format!(
                "`runbook` takes a string literal, e.g. {EXAMPLE}; a macro can't read the value \
                 of a constant"
            )]
        );
        assert_eq!(
            messages(quote!(runbook = concat!("https://", "wiki"))),
            [format!("`runbook` takes a string literal, e.g. {EXAMPLE}")]
        );
        assert_eq!(
            messages(quote!(
                runbook = "https://a.example.com",
                runbook = "https://b.example.com"
            )),
            ["duplicate argument `runbook`; give it once"]
        );
    }
}

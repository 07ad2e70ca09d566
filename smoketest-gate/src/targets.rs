//! The endpoints to poll: URLs checked before any request, and `--slow` applied to them.

use ureq::http::Uri;

/// One instance's endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    /// The URL polled, which is also how the table and the JUnit file name the instance.
    pub(crate) url: String,
}

/// Checks `text` is an absolute http(s) URL without credentials and, for `slow`, points it at
/// the slow tier. The error says what is wrong and what to write.
pub(crate) fn parse(text: &str, slow: bool) -> Result<Target, String> {
    let example = "write e.g. https://pod-1:8080/smoketest/";
    // What might be a password is never repeated in an error.
    let shown = if text.contains('@') {
        redacted(text)
    } else {
        text.to_owned()
    };
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    if !lower.starts_with("http://") && !lower.starts_with("https://") {
        return Err(format!(
            "{shown:?} is not an http:// or https:// URL; {example}"
        ));
    }
    let uri: Uri = text
        .parse()
        .map_err(|error| format!("{shown:?} is not a URL ({error}); {example}"))?;
    let authority = uri.authority().map(|a| a.as_str()).unwrap_or_default();
    if authority.contains('@') {
        // The table, the progress line and the JUnit file show every URL.
        return Err(format!(
            "{shown:?} has a user or password in it, which the gate would print; give the URL \
             without it and the token in $SMOKETEST_TOKEN (--token-env)"
        ));
    }
    if uri.host().unwrap_or_default().is_empty() {
        return Err(format!("{shown:?} names no host; {example}"));
    }
    if !slow {
        return Ok(Target {
            url: text.to_owned(),
        });
    }
    let (before_query, query) = match text.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (text, None),
    };
    if before_query.ends_with("/slow") || before_query.ends_with("/slow/") {
        return Err(format!(
            "--slow with {text:?}, which names the slow tier already; leave out --slow or the \
             `slow/`"
        ));
    }
    let mut url = before_query.to_owned();
    if !url.ends_with('/') {
        url.push('/');
    }
    url.push_str("slow/");
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    Ok(Target { url })
}

/// `text` with what stands between `://` and `@` replaced by `***`.
fn redacted(text: &str) -> String {
    match (text.find("://"), text.find('@')) {
        (Some(scheme_end), Some(at)) if scheme_end < at => {
            format!("{}***{}", &text[..scheme_end + 3], &text[at..])
        }
        _ => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str, slow: bool) -> Result<String, String> {
        parse(text, slow).map(|target| target.url)
    }

    #[test]
    fn urls_are_kept_as_given() {
        assert_eq!(
            url("https://pod-1:8080/smoketest/ready/", false).unwrap(),
            "https://pod-1:8080/smoketest/ready/"
        );
        assert_eq!(
            url("http://[::1]:80/smoketest?tag=db", false).unwrap(),
            "http://[::1]:80/smoketest?tag=db"
        );
    }

    #[test]
    fn slow_appends_the_slow_route() {
        assert_eq!(
            url("https://pod-1:8080/smoketest/", true).unwrap(),
            "https://pod-1:8080/smoketest/slow/"
        );
        assert_eq!(
            url("https://pod-1:8080/smoketest?tag=db", true).unwrap(),
            "https://pod-1:8080/smoketest/slow/?tag=db"
        );
        assert_eq!(
            url("https://pod-1:8080/smoketest/slow", true).unwrap_err(),
            "--slow with \"https://pod-1:8080/smoketest/slow\", which names the slow tier \
             already; leave out --slow or the `slow/`"
        );
    }

    #[test]
    fn what_is_not_an_http_url_is_refused_saying_what_to_write() {
        assert_eq!(
            url("pod-1:8080/smoketest/", false).unwrap_err(),
            "\"pod-1:8080/smoketest/\" is not an http:// or https:// URL; write e.g. \
             https://pod-1:8080/smoketest/"
        );
        assert_eq!(
            url("ftp://pod-1/smoketest/", false).unwrap_err(),
            "\"ftp://pod-1/smoketest/\" is not an http:// or https:// URL; write e.g. \
             https://pod-1:8080/smoketest/"
        );
        assert!(
            url("http://pod 1/", false)
                .unwrap_err()
                .starts_with("\"http://pod 1/\" is not a URL (")
        );
        assert_eq!(
            url("https://deploy:hunter2@pod-1/smoketest/", false).unwrap_err(),
            "\"https://***@pod-1/smoketest/\" has a user or password in it, which the gate would \
             print; give the URL without it and the token in $SMOKETEST_TOKEN (--token-env)"
        );
    }
}

//! The query string: only `format=text|json|prometheus|html|junit|nagios|health`, anything else is a
//! 400 with a reason naming it.

use std::fmt;

use smoketest::render::Format;

/// Longest query string accepted; smoke test URLs have one short parameter.
pub(crate) const MAX_QUERY_LEN: usize = 1024;

/// Why a query string was rejected; its `Display` is the one-line body of the 400 response.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BadQuery(String);

impl fmt::Display for BadQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Shows a client-supplied string safely in a one-line message: control characters escaped,
/// long strings cut.
pub(crate) fn quoted(text: &str) -> String {
    const MAX: usize = 64;
    let mut shown: String = text
        .chars()
        .take(MAX)
        .flat_map(char::escape_debug)
        .collect();
    if text.chars().count() > MAX {
        shown.push('…');
    }
    format!("\"{shown}\"")
}

/// The values `?format=` takes, as the 400 answers list them.
fn format_names() -> Vec<&'static str> {
    Format::ALL.iter().map(|format| format.name()).collect()
}

/// `text, json, prometheus, html, junit, nagios or health`.
fn format_choices() -> String {
    let names = format_names();
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Parses the query: `Ok(None)` when it does not choose a format.
pub(crate) fn parse(query: Option<&str>) -> Result<Option<Format>, BadQuery> {
    let Some(query) = query.filter(|query| !query.is_empty()) else {
        return Ok(None);
    };
    if query.len() > MAX_QUERY_LEN {
        return Err(BadQuery(format!(
            "query string too long ({} bytes; at most {MAX_QUERY_LEN})",
            query.len()
        )));
    }
    let mut format = None;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if name.is_empty() && value.is_empty() {
            continue; // `?&` or a trailing `&`
        }
        if name != "format" {
            return Err(BadQuery(format!(
                "unknown query parameter {}; the only parameter is format={}",
                quoted(&name),
                format_names().join("|")
            )));
        }
        if format.is_some() {
            return Err(BadQuery(
                "query parameter \"format\" is given more than once".into(),
            ));
        }
        format = Some(Format::from_name(&value).ok_or_else(|| {
            BadQuery(format!(
                "query parameter \"format\" has unknown value {}; use {}",
                quoted(&value),
                format_choices()
            ))
        })?);
    }
    Ok(format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_selects_any_format_by_name() {
        assert_eq!(parse(None), Ok(None));
        assert_eq!(parse(Some("")), Ok(None));
        assert_eq!(parse(Some("format=json")), Ok(Some(Format::Json)));
        assert_eq!(parse(Some("format=text&")), Ok(Some(Format::Text)));
        assert_eq!(parse(Some("format=%6Aso%6E")), Ok(Some(Format::Json)));
        assert_eq!(
            parse(Some("format=prometheus")),
            Ok(Some(Format::Prometheus))
        );
        assert_eq!(parse(Some("format=html")), Ok(Some(Format::Html)));
        assert_eq!(parse(Some("format=health")), Ok(Some(Format::Health)));
    }

    #[test]
    fn bad_queries_name_the_parameter() {
        let reason = |query: &str| parse(Some(query)).unwrap_err().to_string();
        assert_eq!(
            reason("verbose=1"),
            "unknown query parameter \"verbose\"; the only parameter is format=text|json|prometheus|html|junit|nagios|health"
        );
        assert_eq!(
            reason("format=xml"),
            "query parameter \"format\" has unknown value \"xml\"; use text, json, prometheus, html, junit, nagios or health"
        );
        assert_eq!(
            reason("format"),
            "query parameter \"format\" has unknown value \"\"; use text, json, prometheus, html, junit, nagios or health"
        );
        assert_eq!(
            reason("format=json&format=text"),
            "query parameter \"format\" is given more than once"
        );
        assert_eq!(
            reason("format=%ZZ"),
            "query parameter \"format\" has unknown value \"%ZZ\"; use text, json, prometheus, html, junit, nagios or health"
        );
        assert_eq!(
            reason("a%0Ab=1"),
            "unknown query parameter \"a\\nb\"; the only parameter is format=text|json|prometheus|html|junit|nagios|health"
        );
        assert_eq!(
            reason(&"x".repeat(2000)),
            "query string too long (2000 bytes; at most 1024)"
        );
        assert!(
            reason(&format!("{}=1", "k".repeat(100))).contains(&format!("\"{}…\"", "k".repeat(64)))
        );
    }
}

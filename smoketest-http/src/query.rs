//! The query string: `format=NAME`, `verbose`, `tag=NAME` and `exclude=NAME` (both repeatable);
//! anything else is a 400 with a reason naming the parameter.

use std::fmt;

use smoketest::render::Format;

/// Longest query string accepted; smoke test URLs have a few short parameters.
pub(crate) const MAX_QUERY_LEN: usize = 1024;

/// Most values `tag` and `exclude` each take in one query: every distinct selection is a run of
/// its own, and a probe names a handful.
pub(crate) const MAX_VALUES: usize = 32;

/// Why a query string was rejected; its `Display` is the one-line body of the 400 response.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BadQuery(String);

impl fmt::Display for BadQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a valid query asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Query {
    /// `format=`, if given.
    pub(crate) format: Option<Format>,
    /// `verbose`: kube-apiserver's text.
    pub(crate) verbose: bool,
    /// `tag=` values, in the order given: a test runs if it has any of them.
    pub(crate) tags: Vec<String>,
    /// `exclude=` values, in the order given: full test names left out.
    pub(crate) excludes: Vec<String>,
}

impl Query {
    /// The format the query chooses, if it chooses one (`verbose` is the Kubernetes text).
    pub(crate) fn chosen_format(&self) -> Option<Format> {
        if self.verbose {
            Some(Format::Kubernetes)
        } else {
            self.format
        }
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

/// Parses the query; no query, an empty one and `?&` ask for nothing.
pub(crate) fn parse(query: Option<&str>) -> Result<Query, BadQuery> {
    let mut parsed = Query::default();
    let Some(query) = query.filter(|query| !query.is_empty()) else {
        return Ok(parsed);
    };
    if query.len() > MAX_QUERY_LEN {
        return Err(BadQuery(format!(
            "query string too long ({} bytes; at most {MAX_QUERY_LEN})",
            query.len()
        )));
    }
    let mut verbose_given = false;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match &*name {
            "" if value.is_empty() => {} // `?&` or a trailing `&`
            "format" => {
                if parsed.format.is_some() {
                    return Err(given_twice("format"));
                }
                parsed.format = Some(Format::from_name(&value).ok_or_else(|| {
                    BadQuery(format!(
                        "query parameter \"format\" has unknown value {}; use {}",
                        quoted(&value),
                        format_choices()
                    ))
                })?);
            }
            "verbose" => {
                if verbose_given {
                    return Err(given_twice("verbose"));
                }
                verbose_given = true;
                if !matches!(&*value, "" | "1" | "true") {
                    return Err(BadQuery(format!(
                        "query parameter \"verbose\" has unknown value {}; give it no value, \
                         or 1 or true",
                        quoted(&value)
                    )));
                }
                parsed.verbose = true;
            }
            "tag" => add_value(&mut parsed.tags, "tag", value.into_owned())?,
            "exclude" => add_value(&mut parsed.excludes, "exclude", value.into_owned())?,
            _ => {
                return Err(BadQuery(format!(
                    "unknown query parameter {}; use format={}, verbose, tag=NAME or exclude=NAME",
                    quoted(&name),
                    format_names().join("|")
                )));
            }
        }
    }
    if parsed.verbose && parsed.format.is_some() {
        return Err(BadQuery(
            "query parameters \"format\" and \"verbose\" both choose the format; give one of them"
                .into(),
        ));
    }
    Ok(parsed)
}

fn given_twice(name: &str) -> BadQuery {
    BadQuery(format!(
        "query parameter \"{name}\" is given more than once"
    ))
}

/// Adds one value of a repeatable parameter: not empty, not seen before, not too many.
fn add_value(values: &mut Vec<String>, name: &str, value: String) -> Result<(), BadQuery> {
    if value.is_empty() {
        return Err(BadQuery(format!(
            "query parameter \"{name}\" has an empty value"
        )));
    }
    if values.contains(&value) {
        return Err(BadQuery(format!(
            "query parameter \"{name}\" has the value {} more than once",
            quoted(&value)
        )));
    }
    if values.len() == MAX_VALUES {
        return Err(BadQuery(format!(
            "query parameter \"{name}\" is given more than {MAX_VALUES} times"
        )));
    }
    values.push(value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(query: &str) -> Option<Format> {
        parse(Some(query)).unwrap().chosen_format()
    }

    #[test]
    fn format_selects_any_format_by_name() {
        assert_eq!(parse(None), Ok(Query::default()));
        assert_eq!(parse(Some("")), Ok(Query::default()));
        assert_eq!(format("format=json"), Some(Format::Json));
        assert_eq!(format("format=text&"), Some(Format::Text));
        assert_eq!(format("format=%6Aso%6E"), Some(Format::Json));
        assert_eq!(format("format=prometheus"), Some(Format::Prometheus));
        assert_eq!(format("format=html"), Some(Format::Html));
        assert_eq!(format("format=health"), Some(Format::Health));
        assert_eq!(format("format=kubernetes"), Some(Format::Kubernetes));
    }

    #[test]
    fn verbose_is_the_kubernetes_text_with_or_without_a_value() {
        for query in [
            "verbose",
            "verbose=",
            "verbose=1",
            "verbose=true",
            "&verbose&",
        ] {
            assert_eq!(format(query), Some(Format::Kubernetes), "{query}");
        }
    }

    #[test]
    fn tags_and_excludes_repeat_in_the_order_given() {
        let query = parse(Some(
            "tag=ready&exclude=app::a&tag=db&exclude=app%3A%3Ab&format=json",
        ))
        .unwrap();
        assert_eq!(query.tags, ["ready", "db"]);
        assert_eq!(query.excludes, ["app::a", "app::b"]);
        assert_eq!(query.chosen_format(), Some(Format::Json));
        let most = vec!["exclude=x"; MAX_VALUES]
            .iter()
            .enumerate()
            .map(|(i, pair)| format!("{pair}{i}"))
            .collect::<Vec<_>>()
            .join("&");
        assert_eq!(parse(Some(&most)).unwrap().excludes.len(), MAX_VALUES);
    }

    #[test]
    fn bad_queries_name_the_parameter() {
        let reason = |query: &str| parse(Some(query)).unwrap_err().to_string();
        assert_eq!(
            reason("verbos=1"),
            "unknown query parameter \"verbos\"; use format=text|json|prometheus|html|junit|nagios|health|kubernetes, verbose, tag=NAME or exclude=NAME"
        );
        assert_eq!(
            reason("format=xml"),
            "query parameter \"format\" has unknown value \"xml\"; use text, json, prometheus, html, junit, nagios, health or kubernetes"
        );
        assert_eq!(
            reason("format"),
            "query parameter \"format\" has unknown value \"\"; use text, json, prometheus, html, junit, nagios, health or kubernetes"
        );
        assert_eq!(
            reason("format=json&format=text"),
            "query parameter \"format\" is given more than once"
        );
        assert_eq!(
            reason("format=%ZZ"),
            "query parameter \"format\" has unknown value \"%ZZ\"; use text, json, prometheus, html, junit, nagios, health or kubernetes"
        );
        assert_eq!(
            reason("a%0Ab=1"),
            "unknown query parameter \"a\\nb\"; use format=text|json|prometheus|html|junit|nagios|health|kubernetes, verbose, tag=NAME or exclude=NAME"
        );
        assert_eq!(
            reason(&"x".repeat(2000)),
            "query string too long (2000 bytes; at most 1024)"
        );
        assert!(
            reason(&format!("{}=1", "k".repeat(100))).contains(&format!("\"{}…\"", "k".repeat(64)))
        );
    }

    #[test]
    fn bad_verbose_tag_and_exclude_values_name_the_parameter() {
        let reason = |query: &str| parse(Some(query)).unwrap_err().to_string();
        assert_eq!(
            reason("verbose=false"),
            "query parameter \"verbose\" has unknown value \"false\"; give it no value, or 1 or true"
        );
        assert_eq!(
            reason("verbose&verbose"),
            "query parameter \"verbose\" is given more than once"
        );
        assert_eq!(
            reason("verbose&format=json"),
            "query parameters \"format\" and \"verbose\" both choose the format; give one of them"
        );
        assert_eq!(reason("tag="), "query parameter \"tag\" has an empty value");
        assert_eq!(
            reason("exclude"),
            "query parameter \"exclude\" has an empty value"
        );
        assert_eq!(
            reason("tag=ready&tag=db&tag=ready"),
            "query parameter \"tag\" has the value \"ready\" more than once"
        );
        assert_eq!(
            reason("exclude=a%0A&exclude=a%0A"),
            "query parameter \"exclude\" has the value \"a\\n\" more than once"
        );
        let too_many = (0..=MAX_VALUES)
            .map(|i| format!("tag={i}"))
            .collect::<Vec<_>>()
            .join("&");
        assert_eq!(
            reason(&too_many),
            "query parameter \"tag\" is given more than 32 times"
        );
    }
}

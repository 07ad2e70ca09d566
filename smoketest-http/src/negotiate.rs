//! Which format a request gets: `?format=` first, else the `Accept` header, else text.

use mediatype::{MediaType, MediaTypeList, Name, ReadParams, names};
use smoketest::render::Format;

/// The `version` parameter of a media type, which names a variant of a format (Prometheus' text
/// format is `text/plain;version=0.0.4`).
const VERSION: Name<'static> = Name::new_unchecked("version");

/// The formats `Accept` can choose, in the server's order of preference when a client likes
/// several equally: text first, so that `*/*` and a bare `text/plain` get the text report.
/// health+json only when named (see [`matches`]). JUnit and Nagios are `?format=` only: their media types (`application/xml`, `text/plain`) are ones clients
/// send for other reasons (browsers list `application/xml`), not to ask for them.
const NEGOTIATED: [Format; 5] = [
    Format::Text,
    Format::Json,
    Format::Prometheus,
    Format::Html,
    Format::Health,
];

/// How well one media range of an `Accept` header matches a format: more specific ranges win
/// (RFC 9110 §12.5.1), then the higher quality.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
struct Match {
    specificity: u8,
    quality: f32,
}

fn quality(range: &MediaType<'_>) -> Option<f32> {
    match range.get_param(names::Q) {
        None => Some(1.0),
        Some(value) => value
            .as_str()
            .parse::<f32>()
            .ok()
            .filter(|q| (0.0..=1.0).contains(q)),
    }
}

/// How specifically `range` names `format`: `*/*` 0, `type/*` 1, `type/subtype` 2, and 3 when
/// the range also names the format's `version` (`text/plain;version=0.0.4` is Prometheus'
/// format exactly). Other parameters are ignored. A range with a `version` names that variant
/// only: `text/plain;version=…` is never the text report, and is Prometheus only for the version
/// written. A structured-syntax suffix is part of the subtype: `application/health+json` names
/// health+json only, `application/json` never names it.
fn matches(range: &MediaType<'_>, format: Format) -> Option<u8> {
    let specificity = matches_range(range, format)?;
    // health+json is for clients that name it: a wildcard choosing it would change the answer
    // to headers that asked for nothing new (`application/*;q=1, application/json;q=0.2`).
    (format != Format::Health || specificity >= 2).then_some(specificity)
}

/// [`matches`] by the rules of media ranges alone.
fn matches_range(range: &MediaType<'_>, format: Format) -> Option<u8> {
    // A format's content type is a constant that always parses.
    let produced = MediaType::parse(format.content_type()).ok()?;
    let range_ty = range.ty.as_str();
    let range_subty = range.subty.as_str();
    if range_ty == "*" && range_subty == "*" && range.suffix.is_none() {
        return Some(0);
    }
    if !range_ty.eq_ignore_ascii_case(produced.ty.as_str()) {
        // Scrapers that prefer OpenMetrics also list the classic format, whose quality then
        // decides; a client that lists only OpenMetrics still gets metrics (with their honest
        // `Content-Type`) rather than a text report no metrics parser reads.
        let openmetrics = range_ty.eq_ignore_ascii_case("application")
            && range_subty.eq_ignore_ascii_case("openmetrics-text");
        return (openmetrics && format == Format::Prometheus).then_some(2);
    }
    if range_subty == "*" && range.suffix.is_none() {
        return Some(1);
    }
    let same_suffix = match (&range.suffix, &produced.suffix) {
        (None, None) => true,
        (Some(asked), Some(written)) => asked.as_str().eq_ignore_ascii_case(written.as_str()),
        _ => false,
    };
    if !same_suffix || !range_subty.eq_ignore_ascii_case(produced.subty.as_str()) {
        return None;
    }
    match (range.get_param(VERSION), produced.get_param(VERSION)) {
        (None, _) => Some(2),
        (Some(asked), Some(written)) if asked.unquoted_str() == written.unquoted_str() => Some(3),
        (Some(_), _) => None,
    }
}

/// The format an `Accept` header prefers: the one with the highest quality, its quality taken
/// from the most specific range that matches it; `q=0` excludes. Text, JSON, Prometheus, HTML
/// and health+json are negotiated (JUnit and Nagios are chosen with `?format=` only); ties go
/// to the earlier of those, so `*/*` and a bare `text/plain` get text, and so does a header that is
/// absent, unparseable or accepts no format — the contract answers "otherwise text" rather than
/// 406, so a monitor with an odd header still gets a report.
///
/// Browsers get HTML (`text/html` is listed first at full quality), Prometheus gets its format
/// (it lists `text/plain;version=0.0.4`), health dashboards get `application/health+json`,
/// curl (`*/*`) gets text:
///
/// ```
/// use smoketest::render::Format;
/// use smoketest_http::negotiate;
///
/// let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
/// assert_eq!(negotiate(Some(browser)), Format::Html);
/// assert_eq!(negotiate(Some("text/plain;version=0.0.4;q=0.3,*/*;q=0.2")), Format::Prometheus);
/// assert_eq!(negotiate(Some("application/health+json")), Format::Health);
/// assert_eq!(negotiate(Some("text/plain")), Format::Text);
/// assert_eq!(negotiate(Some("*/*")), Format::Text);
/// ```
pub fn negotiate(accept: Option<&str>) -> Format {
    let Some(accept) = accept else {
        return Format::Text;
    };
    let ranges: Vec<MediaType<'_>> = MediaTypeList::new(accept).filter_map(Result::ok).collect();
    let mut best = (Format::Text, 0.0_f32);
    for format in NEGOTIATED {
        let mut chosen: Option<Match> = None;
        for range in &ranges {
            let (Some(specificity), Some(quality)) = (matches(range, format), quality(range))
            else {
                continue;
            };
            let candidate = Match {
                specificity,
                quality,
            };
            if chosen.is_none_or(|current| candidate.specificity > current.specificity) {
                chosen = Some(candidate);
            }
        }
        let quality = chosen.map_or(0.0, |chosen| chosen.quality);
        if quality > best.1 {
            best = (format, quality);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_when_the_client_prefers_it() {
        assert_eq!(negotiate(Some("application/json")), Format::Json);
        assert_eq!(
            negotiate(Some("text/plain;q=0.5, application/json")),
            Format::Json
        );
        assert_eq!(negotiate(Some("application/*")), Format::Json);
        assert_eq!(negotiate(Some("APPLICATION/JSON")), Format::Json);
        assert_eq!(
            negotiate(Some("*/*;q=0.1, application/json;q=0.9")),
            Format::Json
        );
    }

    #[test]
    fn text_for_wildcards_ties_and_everything_else() {
        assert_eq!(negotiate(None), Format::Text);
        assert_eq!(negotiate(Some("*/*")), Format::Text);
        assert_eq!(
            negotiate(Some("application/json, text/plain")),
            Format::Text
        );
        assert_eq!(negotiate(Some("image/png")), Format::Text);
        assert_eq!(negotiate(Some("this is ; not a media type")), Format::Text);
        assert_eq!(negotiate(Some("")), Format::Text);
    }

    #[test]
    fn q_zero_excludes_even_under_a_wildcard() {
        assert_eq!(negotiate(Some("*/*, text/plain;q=0")), Format::Json);
        assert_eq!(negotiate(Some("application/json;q=0, */*")), Format::Text);
        assert_eq!(
            negotiate(Some("text/*;q=0, application/json;q=0.1")),
            Format::Json
        );
    }

    #[test]
    fn a_more_specific_range_overrides_a_general_one() {
        assert_eq!(
            negotiate(Some(
                "application/*;q=1, application/json;q=0.2, text/plain;q=0.5"
            )),
            Format::Text
        );
        // An out-of-range quality makes the range unusable, not a server error.
        assert_eq!(negotiate(Some("application/json;q=7")), Format::Text);
    }

    #[test]
    fn browsers_get_html() {
        // Firefox's and Chromium's Accept for a page.
        assert_eq!(
            negotiate(Some(
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
            )),
            Format::Html
        );
        assert_eq!(
            negotiate(Some(
                "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,\
                 image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
            )),
            Format::Html
        );
        assert_eq!(negotiate(Some("text/html")), Format::Html);
        assert_eq!(negotiate(Some("TEXT/HTML;level=1")), Format::Html);
        assert_eq!(
            negotiate(Some("text/html;q=0.5, application/json")),
            Format::Json
        );
        assert_eq!(negotiate(Some("text/html;q=0, */*")), Format::Text);
        // `text/*` likes text and HTML equally: text, the server's first choice.
        assert_eq!(negotiate(Some("text/*")), Format::Text);
    }

    #[test]
    fn prometheus_only_for_the_version_parameter_or_openmetrics() {
        assert_eq!(
            negotiate(Some("text/plain;version=0.0.4")),
            Format::Prometheus
        );
        assert_eq!(
            negotiate(Some("text/plain; version=\"0.0.4\"; charset=utf-8")),
            Format::Prometheus
        );
        // Prometheus 2.x's scrape header, then Prometheus 3.x's.
        assert_eq!(
            negotiate(Some(
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
                 version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
            )),
            Format::Prometheus
        );
        assert_eq!(
            negotiate(Some(
                "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,\
                 application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;\
                 escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2"
            )),
            Format::Prometheus
        );
        assert_eq!(
            negotiate(Some("application/openmetrics-text; version=1.0.0")),
            Format::Prometheus
        );
        // A version we don't write is neither Prometheus nor the text report.
        assert_eq!(
            negotiate(Some("text/plain;version=1.0.0, application/json;q=0.1")),
            Format::Json
        );
        assert_eq!(negotiate(Some("text/plain;version=1.0.0")), Format::Text);
    }

    #[test]
    fn health_json_only_when_named_and_ranked_by_quality() {
        assert_eq!(negotiate(Some("application/health+json")), Format::Health);
        assert_eq!(negotiate(Some("Application/Health+JSON")), Format::Health);
        assert_eq!(
            negotiate(Some("application/json;q=0.5, application/health+json")),
            Format::Health
        );
        assert_eq!(
            negotiate(Some(
                "application/health+json;q=0.4, application/json;q=0.9"
            )),
            Format::Json
        );
        assert_eq!(
            negotiate(Some("application/health+json;q=0.9, text/plain;q=0.5")),
            Format::Health
        );
        assert_eq!(
            negotiate(Some("application/health+json;q=0, */*")),
            Format::Text
        );
        assert_eq!(
            negotiate(Some("application/health+json;q=0, application/*")),
            Format::Json
        );
        // Wildcards never choose it: `application/*` and `application/json` are JSON's, and
        // another `+json` type is neither.
        assert_eq!(negotiate(Some("application/*")), Format::Json);
        assert_eq!(
            negotiate(Some("application/*;q=1, application/json;q=0.2")),
            Format::Json
        );
        assert_eq!(negotiate(Some("application/json")), Format::Json);
        assert_eq!(negotiate(Some("application/problem+json")), Format::Text);
        assert_eq!(negotiate(Some("application/health+xml")), Format::Text);
        assert_eq!(negotiate(Some("application/health")), Format::Text);
        assert_eq!(negotiate(Some("application/*+json")), Format::Text);
    }

    #[test]
    fn plain_text_stays_the_text_report() {
        assert_eq!(negotiate(Some("text/plain")), Format::Text);
        assert_eq!(negotiate(Some("text/plain; charset=utf-8")), Format::Text);
        assert_eq!(negotiate(Some("*/*")), Format::Text);
        assert_eq!(
            negotiate(Some("text/plain;version=0.0.4;q=0.5, text/plain")),
            Format::Text
        );
        assert_eq!(
            negotiate(Some("text/plain;q=0.5, text/plain;version=0.0.4")),
            Format::Prometheus
        );
    }

    #[test]
    fn q_values_rank_the_new_formats_too() {
        assert_eq!(
            negotiate(Some("text/html;q=0.4, text/plain;version=0.0.4;q=0.6")),
            Format::Prometheus
        );
        assert_eq!(
            negotiate(Some("text/html;q=0.7, text/plain;version=0.0.4;q=0.6")),
            Format::Html
        );
        // The exact range overrides `text/plain`'s and `text/*`'s, even when lower.
        assert_eq!(
            negotiate(Some("text/*;q=1, text/plain;version=0.0.4;q=0")),
            Format::Text
        );
        // Refusing the classic format refuses what we would send for OpenMetrics too.
        assert_eq!(
            negotiate(Some(
                "text/plain;version=0.0.4;q=0, application/openmetrics-text"
            )),
            Format::Text
        );
        assert_eq!(
            negotiate(Some("application/openmetrics-text;q=0, text/html;q=0.1")),
            Format::Html
        );
    }
}

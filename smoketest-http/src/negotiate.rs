//! Which format a request gets: `?format=` first, else the `Accept` header, else text.

use mediatype::{MediaType, MediaTypeList, ReadParams, names};

/// A report format the endpoint can answer with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// `text/plain; charset=utf-8`: django-smoketest's seven lines and the failure lines.
    Text,
    /// `application/json`.
    Json,
}

impl Format {
    /// Every format, in the server's order of preference when a client likes several equally.
    pub const ALL: [Format; 2] = [Format::Text, Format::Json];

    /// The `Content-Type` of a response in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; charset=utf-8",
            Format::Json => "application/json",
        }
    }

    /// The value of `?format=` that selects it.
    pub fn query_name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
        }
    }

    /// The format `?format=` names, if any.
    pub fn from_query_name(name: &str) -> Option<Self> {
        Format::ALL
            .into_iter()
            .find(|format| format.query_name() == name)
    }

    fn media_type(self) -> (&'static str, &'static str) {
        match self {
            Format::Text => ("text", "plain"),
            Format::Json => ("application", "json"),
        }
    }
}

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

fn matches(range: &MediaType<'_>, format: Format) -> Option<u8> {
    let (ty, subty) = format.media_type();
    let range_ty = range.ty.as_str();
    let range_subty = range.subty.as_str();
    if range.suffix.is_some() {
        return None;
    }
    if range_ty == "*" && range_subty == "*" {
        Some(0)
    } else if range_ty.eq_ignore_ascii_case(ty) && range_subty == "*" {
        Some(1)
    } else if range_ty.eq_ignore_ascii_case(ty) && range_subty.eq_ignore_ascii_case(subty) {
        Some(2)
    } else {
        None
    }
}

/// The format an `Accept` header prefers: the one with the highest quality, its quality taken
/// from the most specific range that matches it; `q=0` excludes. Ties and `*/*` go to text, and
/// so does a header that is absent, unparseable or accepts neither format — the contract answers
/// "otherwise text" rather than 406, so a monitor with an odd header still gets a report.
pub fn negotiate(accept: Option<&str>) -> Format {
    let Some(accept) = accept else {
        return Format::Text;
    };
    let ranges: Vec<MediaType<'_>> = MediaTypeList::new(accept).filter_map(Result::ok).collect();
    let mut best = (Format::Text, 0.0_f32);
    for format in Format::ALL {
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
        assert_eq!(negotiate(Some("text/html")), Format::Text);
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
}

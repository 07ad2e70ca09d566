//! The routes below the mount point: the tiers, one test by name, and the names probe groups
//! may have. Which groups exist is the endpoint's business; this only reads the path.

use smoketest::Tier;

/// What a path below the mount point names.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route<'a> {
    /// `/` (or nothing) and `/slow`, with or without the trailing slash.
    Tier(Tier),
    /// `/test/{name}` (or `/test/{name}/`): the name, percent-decoded.
    Test(String),
    /// `/history` or `/history/`: the recent runs of the tiers and groups.
    History,
    /// `/{segment}` (or `/{segment}/`): a probe group, if one has this name. Not decoded: group
    /// names are plain ASCII, and an escaped one is another path (as `/%73low` is not `/slow`).
    Named(&'a str),
}

/// Why a path names no route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BadPath {
    /// No route has this shape: 404.
    NotFound,
    /// `/test/{name}` whose name is not valid percent-encoded UTF-8: 400, saying so.
    Malformed(&'static str),
}

/// The route `path` names.
pub(crate) fn parse(path: &str) -> Result<Route<'_>, BadPath> {
    match path {
        "" | "/" => return Ok(Route::Tier(Tier::Fast)),
        "/slow" | "/slow/" => return Ok(Route::Tier(Tier::Slow)),
        "/history" | "/history/" => return Ok(Route::History),
        _ => {}
    }
    let rest = path.strip_prefix('/').ok_or(BadPath::NotFound)?;
    let segment = |text: &str| -> Option<String> {
        let text = text.strip_suffix('/').unwrap_or(text);
        (!text.is_empty() && !text.contains('/')).then(|| text.to_owned())
    };
    if let Some(name) = rest.strip_prefix("test/") {
        let raw = segment(name).ok_or(BadPath::NotFound)?;
        return percent_decoded(&raw).map(Route::Test);
    }
    let name = rest.strip_suffix('/').unwrap_or(rest);
    if name.is_empty() || name.contains('/') {
        return Err(BadPath::NotFound);
    }
    Ok(Route::Named(name))
}

/// `raw` with its `%XX` escapes decoded, strictly: a `%` without two hex digits, or bytes that
/// are not UTF-8, are refused rather than guessed at.
fn percent_decoded(raw: &str) -> Result<String, BadPath> {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut rest = raw.as_bytes();
    while let Some((&byte, after)) = rest.split_first() {
        if byte != b'%' {
            bytes.push(byte);
            rest = after;
            continue;
        }
        let digit = |byte: u8| char::from(byte).to_digit(16);
        let decoded = match after {
            [high, low, ..] => digit(*high).zip(digit(*low)),
            _ => None,
        };
        let (high, low) =
            decoded.ok_or(BadPath::Malformed("a `%` not followed by two hex digits"))?;
        // Two hex digits make at most 0xFF.
        let hex = (high * 16 + low) as u8;
        bytes.push(hex);
        rest = &after[2..];
    }
    String::from_utf8(bytes).map_err(|_| BadPath::Malformed("not UTF-8 once percent-decoded"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_tests_and_names_with_or_without_the_trailing_slash() {
        assert_eq!(parse(""), Ok(Route::Tier(Tier::Fast)));
        assert_eq!(parse("/"), Ok(Route::Tier(Tier::Fast)));
        assert_eq!(parse("/slow"), Ok(Route::Tier(Tier::Slow)));
        assert_eq!(parse("/slow/"), Ok(Route::Tier(Tier::Slow)));
        assert_eq!(parse("/history"), Ok(Route::History));
        assert_eq!(parse("/history/"), Ok(Route::History));
        assert_eq!(parse("/ready"), Ok(Route::Named("ready")));
        assert_eq!(parse("/ready/"), Ok(Route::Named("ready")));
        assert_eq!(parse("/%73low"), Ok(Route::Named("%73low")));
        assert_eq!(
            parse("/test/app::smoke::db"),
            Ok(Route::Test("app::smoke::db".into()))
        );
        assert_eq!(
            parse("/test/app%3A%3Asmoke%3a%3Adb/"),
            Ok(Route::Test("app::smoke::db".into()))
        );
        assert_eq!(parse("/test/caf%C3%A9"), Ok(Route::Test("café".into())));
        assert_eq!(parse("/test/a%2Fb"), Ok(Route::Test("a/b".into())));
    }

    #[test]
    fn other_shapes_are_not_found() {
        for path in [
            "//",
            "/slow//",
            "/ready//",
            "/a/b",
            "slow",
            "/test/",
            "/test//",
            "/test/a/b",
            "/test/a//",
            "/history/extra",
            "/history//",
        ] {
            assert_eq!(parse(path), Err(BadPath::NotFound), "{path:?}");
        }
        // `/test` alone is a name, which no group may have.
        assert_eq!(parse("/test"), Ok(Route::Named("test")));
    }

    #[test]
    fn a_test_name_must_be_valid_percent_encoded_utf8() {
        let escape = BadPath::Malformed("a `%` not followed by two hex digits");
        for path in [
            "/test/%ZZ",
            "/test/a%",
            "/test/a%4",
            "/test/%+1",
            "/test/%-1",
        ] {
            assert_eq!(parse(path), Err(escape), "{path:?}");
        }
        assert_eq!(
            parse("/test/%FF%FE"),
            Err(BadPath::Malformed("not UTF-8 once percent-decoded"))
        );
        assert_eq!(
            parse("/test/%C3"),
            Err(BadPath::Malformed("not UTF-8 once percent-decoded"))
        );
    }
}

//! Property tests (fuzzing) of the HTTP core: arbitrary methods, paths, query strings and headers,
//! through [`SmokeEndpoint::respond`] and [`SmokeEndpoint::handle_under`]. Whatever comes in, the
//! endpoint must not panic (the runner catches a panic and reports it as a failure, with the
//! shrunk input) and must answer a documented status with well-formed headers:
//!
//! - the exact status the README promises for the input (404 another path or an unknown test
//!   name, 400 a test name that is not percent-encoded UTF-8, 405 another method with `Allow:
//!   GET, HEAD`, 400 a bad query, else the report of the selection: 200 PASS, FAIL's configured
//!   status, Prometheus 200 either way);
//! - 400, 404 and 405 bodies are one line ending in `\n`, as `text/plain` with
//!   `X-Content-Type-Options: nosniff`;
//! - every response has a `Content-Type` and a `Content-Length` equal to the body's length; a
//!   `HEAD` response has an empty body and the `Content-Length` of the same `GET`;
//! - a report has the negotiated format's `Content-Type` (`?format=` first, else `Accept`).
//!
//! Each property runs `SMOKETEST_FUZZ_CASES` cases (default 2000: a few seconds, what CI runs).
//! The long pass, 3 properties × 400,000 cases = 1.2 million (about 3 minutes on two busy cores),
//! in release mode:
//!
//! ```text
//! SMOKETEST_FUZZ_CASES=400000 nice cargo test -p smoketest-http --release \
//!     --test proptest_http -- --nocapture
//! ```
//!
//! `--nocapture` shows each property's case count and the statuses it saw. A failure panics
//! with the minimal failing input; `PROPTEST_RNG_SEED=<n>` replays a run (seeds are random by
//! default, so each run explores new inputs).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;
use std::time::Duration;

use futures_executor::block_on;
use http::header::{
    ACCEPT, AGE, ALLOW, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, VARY,
    X_CONTENT_TYPE_OPTIONS,
};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, Uri};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use smoketest::Runner;
use smoketest::render::Format;
use smoketest_http::{SmokeEndpoint, negotiate};

// The smoke tests the endpoints serve: the fast tier passes, the slow tier (every test) fails,
// so both report statuses come up. Trivial, so that a case costs microseconds.

#[smoketest::smoke_test]
fn fuzz_target_fast_passes() {}

#[smoketest::smoke_test(slow)]
fn fuzz_target_slow_fails() -> smoketest::Result {
    Err(std::io::Error::other("fails on purpose: \"quoted\", a\nnewline, \u{2028}, \u{0}").into())
}

/// An endpoint under test, and what its configuration promises.
struct Fixture {
    name: &'static str,
    endpoint: SmokeEndpoint,
    fail_status: StatusCode,
    /// `Cache-Control` of 400, 404 and 405 answers.
    error_cache_control: Option<&'static str>,
    /// `Cache-Control` of reports.
    report_cache_control: &'static str,
    /// Serves a stored report: the same body for a while, and an `Age`.
    cached: bool,
}

fn runner() -> Runner {
    Runner::new().filter("fuzz_target_")
}

/// The default endpoint, and one with every option changed.
fn fixtures() -> &'static [Fixture; 2] {
    static FIXTURES: OnceLock<[Fixture; 2]> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        [
            Fixture {
                name: "default",
                endpoint: SmokeEndpoint::new(runner()),
                fail_status: StatusCode::INTERNAL_SERVER_ERROR,
                error_cache_control: Some("no-store"),
                report_cache_control: "no-store",
                cached: false,
            },
            Fixture {
                name: "cached, 503, no cache-control",
                endpoint: SmokeEndpoint::new(runner())
                    .cache_for(Duration::from_secs(86_400))
                    .fail_status(StatusCode::SERVICE_UNAVAILABLE)
                    .cache_control(None),
                fail_status: StatusCode::SERVICE_UNAVAILABLE,
                error_cache_control: None,
                report_cache_control: "max-age=86400",
                cached: true,
            },
        ]
    })
}

// ---------------------------------------------------------------------------------------------
// The oracle: what the README's "Over HTTP" table promises for a request.

const MAX_QUERY_LEN: usize = 1024;

const MAX_VALUES: usize = 32;

/// The full names of the two smoke tests.
const FAST_PASSES: &str = "proptest_http::fuzz_target_fast_passes";
const SLOW_FAILS: &str = "proptest_http::fuzz_target_slow_fails";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    NotFound,
    NotAllowed,
    BadPath,
    BadQuery,
    /// `/history/`: the history as JSON, whatever ran before.
    History,
    Report {
        passed: bool,
        format: Format,
    },
}

/// What a valid query asks for.
#[derive(Default)]
struct Asked {
    format: Option<Format>,
    tags: Vec<String>,
    excludes: Vec<String>,
}

/// `Err`: a 400.
fn query_verdict(query: Option<&str>) -> Result<Asked, ()> {
    let mut asked = Asked::default();
    let Some(query) = query.filter(|query| !query.is_empty()) else {
        return Ok(asked);
    };
    if query.len() > MAX_QUERY_LEN {
        return Err(());
    }
    let mut verbose = false;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match &*name {
            "" if value.is_empty() => {}
            "format" if asked.format.is_none() => {
                let named = Format::ALL
                    .into_iter()
                    .find(|format| format.name() == value);
                asked.format = Some(named.ok_or(())?);
            }
            "verbose" if !verbose && ["", "1", "true"].contains(&&*value) => verbose = true,
            "tag" | "exclude" => {
                let values = if name == "tag" {
                    &mut asked.tags
                } else {
                    &mut asked.excludes
                };
                if value.is_empty()
                    || values.contains(&value.to_string())
                    || values.len() == MAX_VALUES
                {
                    return Err(());
                }
                values.push(value.into_owned());
            }
            _ => return Err(()),
        }
    }
    if verbose {
        if asked.format.is_some() {
            return Err(());
        }
        asked.format = Some(Format::Kubernetes);
    }
    Ok(asked)
}

/// The tests a path runs (by tier, or the one test of `/test/{name}`), or the error it gets.
fn route(path: &str) -> Result<Vec<&'static str>, Expect> {
    match path {
        "" | "/" => return Ok(vec![FAST_PASSES]),
        "/slow" | "/slow/" => return Ok(vec![FAST_PASSES, SLOW_FAILS]),
        _ => {}
    }
    let Some(name) = path.strip_prefix("/test/") else {
        return Err(Expect::NotFound);
    };
    let name = name.strip_suffix('/').unwrap_or(name);
    if name.is_empty() || name.contains('/') {
        return Err(Expect::NotFound);
    }
    // Strict percent-decoding: `%` and two hex digits, then UTF-8.
    let mut bytes = Vec::new();
    let mut rest = name.as_bytes();
    while let Some((&byte, after)) = rest.split_first() {
        if byte == b'%' {
            let hex = after
                .get(..2)
                .filter(|digits| digits.iter().all(u8::is_ascii_hexdigit))
                .ok_or(Expect::BadPath)?;
            let hex = std::str::from_utf8(hex).map_err(|_| Expect::BadPath)?;
            bytes.push(u8::from_str_radix(hex, 16).map_err(|_| Expect::BadPath)?);
            rest = &after[2..];
        } else {
            bytes.push(byte);
            rest = after;
        }
    }
    let name = String::from_utf8(bytes).map_err(|_| Expect::BadPath)?;
    [FAST_PASSES, SLOW_FAILS]
        .into_iter()
        .find(|test| *test == name)
        .map(|test| vec![test])
        .ok_or(Expect::NotFound)
}

/// The format `Accept` negotiates: values that are not visible ASCII can't name a media type.
fn accepted(headers: &HeaderMap) -> Format {
    let values: Vec<&str> = headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect();
    negotiate((!values.is_empty()).then(|| values.join(", ")).as_deref())
}

/// What `respond` must answer: the path first, then the method, then the query.
fn expect(method: &Method, path: &str, query: Option<&str>, headers: &HeaderMap) -> Expect {
    if matches!(path, "/history" | "/history/") {
        if method != Method::GET && method != Method::HEAD {
            return Expect::NotAllowed;
        }
        // It takes no parameter; an empty query (`?`, `?&`) asks for nothing.
        let nothing = query.is_none_or(|query| {
            form_urlencoded::parse(query.as_bytes())
                .all(|(name, value)| name.is_empty() && value.is_empty())
        });
        return if nothing {
            Expect::History
        } else {
            Expect::BadQuery
        };
    }
    let tests = match route(path) {
        Ok(tests) => tests,
        Err(expect) => return expect,
    };
    if method != Method::GET && method != Method::HEAD {
        return Expect::NotAllowed;
    }
    let Ok(asked) = query_verdict(query) else {
        return Expect::BadQuery;
    };
    // No test has a tag: `?tag=` selects nothing, which passes.
    let runs_the_failure = tests.contains(&SLOW_FAILS)
        && asked.tags.is_empty()
        && !asked.excludes.iter().any(|name| name == SLOW_FAILS);
    Expect::Report {
        passed: !runs_the_failure,
        format: asked.format.unwrap_or_else(|| accepted(headers)),
    }
}

/// What `handle_under(prefix, request)` must answer: a path outside `prefix` is a 404.
fn expect_under(prefix: &str, request: &Request<()>) -> Expect {
    let uri = request.uri();
    match uri.path().strip_prefix(prefix.trim_end_matches('/')) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            expect(request.method(), rest, uri.query(), request.headers())
        }
        _ => Expect::NotFound,
    }
}

// ---------------------------------------------------------------------------------------------
// The checks.

fn header<'a>(response: &'a Response<String>, name: &HeaderName) -> Option<&'a str> {
    response.headers().get(name).map(|value| {
        value
            .to_str()
            .expect("the endpoint's headers are visible ASCII")
    })
}

fn content_length(response: &Response<String>) -> Result<usize, TestCaseError> {
    let length = header(response, &CONTENT_LENGTH)
        .ok_or_else(|| TestCaseError::fail("no Content-Length"))?;
    length
        .parse()
        .map_err(|_| TestCaseError::fail(format!("Content-Length {length:?} is not a number")))
}

/// Line breaks other than the final `\n` that would split a one-line body for some reader.
const LINE_BREAKS: [char; 7] = [
    '\n', '\r', '\u{0B}', '\u{0C}', '\u{85}', '\u{2028}', '\u{2029}',
];

/// Checks one response to a request with `method` against what was expected.
fn check(
    fixture: &Fixture,
    method: &Method,
    expected: Expect,
    response: &Response<String>,
) -> Result<(), TestCaseError> {
    let status = response.status();
    let documented = [
        StatusCode::OK,
        fixture.fail_status,
        StatusCode::BAD_REQUEST,
        StatusCode::NOT_FOUND,
        StatusCode::METHOD_NOT_ALLOWED,
    ];
    prop_assert!(documented.contains(&status), "undocumented status {status}");
    let content_type =
        header(response, &CONTENT_TYPE).ok_or_else(|| TestCaseError::fail("no Content-Type"))?;
    let length = content_length(response)?;
    let is_head = method == Method::HEAD;
    if is_head {
        prop_assert!(
            response.body().is_empty(),
            "a HEAD response has a body: {:?}",
            response.body()
        );
    } else {
        prop_assert_eq!(
            length,
            response.body().len(),
            "Content-Length != body length"
        );
    }

    let error_status = match expected {
        Expect::NotFound => Some(StatusCode::NOT_FOUND),
        Expect::NotAllowed => Some(StatusCode::METHOD_NOT_ALLOWED),
        Expect::BadPath | Expect::BadQuery => Some(StatusCode::BAD_REQUEST),
        Expect::Report { .. } | Expect::History => None,
    };
    if let Some(error_status) = error_status {
        prop_assert_eq!(status, error_status, "expected {:?}", expected);
        prop_assert_eq!(content_type, "text/plain; charset=utf-8");
        prop_assert_eq!(header(response, &X_CONTENT_TYPE_OPTIONS), Some("nosniff"));
        prop_assert_eq!(
            header(response, &CACHE_CONTROL),
            fixture.error_cache_control
        );
        if status == StatusCode::METHOD_NOT_ALLOWED {
            prop_assert_eq!(header(response, &ALLOW), Some("GET, HEAD"));
        }
        if !is_head {
            let body = response.body();
            let line = body.strip_suffix('\n');
            prop_assert!(
                line.is_some_and(|line| !line.is_empty() && !line.contains(LINE_BREAKS)),
                "not one line ending in \\n: {:?}",
                body
            );
            let named = match expected {
                Expect::BadQuery => Some("query"),
                Expect::BadPath => Some("path"),
                _ => None,
            };
            if let Some(named) = named {
                prop_assert!(
                    body.contains(named),
                    "a 400 that names no {named}: {body:?}"
                );
            }
        }
        return Ok(());
    }

    if expected == Expect::History {
        prop_assert_eq!(status, StatusCode::OK);
        prop_assert_eq!(content_type, "application/json");
        prop_assert_eq!(
            header(response, &CACHE_CONTROL),
            fixture.error_cache_control
        );
        prop_assert_eq!(header(response, &AGE), None);
        if !is_head {
            let json: serde_json::Value = serde_json::from_str(response.body())
                .map_err(|error| TestCaseError::fail(format!("invalid JSON ({error})")))?;
            prop_assert_eq!(json["limit"].as_u64(), Some(20));
        }
        return Ok(());
    }
    let Expect::Report { passed, format } = expected else {
        unreachable!("errors and the history returned above")
    };
    // Prometheus answers 200 either way: a scraper drops the samples of any other status.
    let report_status = if passed || format.name() == "prometheus" {
        StatusCode::OK
    } else {
        fixture.fail_status
    };
    prop_assert_eq!(status, report_status, "expected {:?}", expected);
    prop_assert_eq!(content_type, format.content_type());
    prop_assert_eq!(header(response, &VARY), Some("accept"));
    prop_assert_eq!(
        header(response, &CACHE_CONTROL),
        Some(fixture.report_cache_control)
    );
    let age = header(response, &AGE);
    prop_assert_eq!(age.is_some(), fixture.cached, "Age: {:?}", age);
    if let Some(age) = age {
        prop_assert!(age.parse::<u64>().is_ok(), "Age: {age:?}");
    }
    if is_head {
        prop_assert!(length > 0, "a HEAD of a report with Content-Length 0");
        return Ok(());
    }
    let body = response.body();
    let verdict = if passed { "PASS" } else { "FAIL" };
    match format {
        Format::Text => prop_assert!(
            body.starts_with(&format!("{verdict}\n")),
            "text report: {body:?}"
        ),
        Format::Json => {
            let json: serde_json::Value = serde_json::from_str(body)
                .map_err(|error| TestCaseError::fail(format!("invalid JSON ({error}): {body}")))?;
            prop_assert_eq!(json["status"].as_str(), Some(verdict));
            if let Some(age) = age {
                prop_assert_eq!(json["age"].as_u64(), age.parse::<u64>().ok());
            }
        }
        // Other formats: their own tests check their bodies.
        _ => {}
    }
    Ok(())
}

/// Answers and checks a request; a `HEAD` also against the same `GET` before and after it (a
/// report served from the cache may change its `age` between two requests; errors never
/// change, and a fresh report's time line may, so then only the errors' lengths are compared).
fn exercise(
    fixture: &Fixture,
    method: &Method,
    expected: Expect,
    answer: impl Fn(&Method) -> Response<String>,
) -> Result<StatusCode, TestCaseError> {
    exercise_inner(fixture, method, expected, answer).map_err(|error| match error {
        TestCaseError::Fail(reason) => {
            TestCaseError::fail(format!("[{} endpoint] {}", fixture.name, reason.message()))
        }
        other => other,
    })
}

fn exercise_inner(
    fixture: &Fixture,
    method: &Method,
    expected: Expect,
    answer: impl Fn(&Method) -> Response<String>,
) -> Result<StatusCode, TestCaseError> {
    if *method != Method::HEAD {
        let response = answer(method);
        check(fixture, method, expected, &response)?;
        return Ok(response.status());
    }
    let before = answer(&Method::GET);
    let head = answer(&Method::HEAD);
    let after = answer(&Method::GET);
    check(fixture, &Method::GET, expected, &before)?;
    check(fixture, &Method::HEAD, expected, &head)?;
    check(fixture, &Method::GET, expected, &after)?;
    prop_assert_eq!(head.status(), before.status());
    let length = content_length(&head)?;
    let comparable = fixture.cached || !matches!(expected, Expect::Report { .. });
    if comparable {
        prop_assert!(
            length == before.body().len() || length == after.body().len(),
            "HEAD Content-Length {} but the GET bodies are {} and {} bytes",
            length,
            before.body().len(),
            after.body().len()
        );
    }
    Ok(head.status())
}

// ---------------------------------------------------------------------------------------------
// The inputs.

/// `tchar` of RFC 9110: what a method (and a header name) is made of.
const TOKEN: &[u8] =
    b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn token(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(select(TOKEN), 1..=max)
}

fn method() -> impl Strategy<Value = Method> {
    let standard = vec![
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::PATCH,
        Method::TRACE,
        Method::CONNECT,
    ];
    let lookalikes = vec![
        "get", "Get", "head", "GETS", "HEAD2", "PROPFIND", "M-SEARCH", "BREW",
    ];
    prop_oneof![
        6 => Just(Method::GET),
        4 => Just(Method::HEAD),
        2 => select(standard),
        1 => select(lookalikes).prop_map(|name| Method::from_bytes(name.as_bytes()).unwrap()),
        // Extension methods, short (stored inline) and long (allocated).
        2 => token(40).prop_map(|name| Method::from_bytes(&name).expect("a token is a method")),
    ]
}

/// Any characters, control characters, line breaks and `\0` included.
fn chars(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..=max).prop_map(String::from_iter)
}

const ROUTES: [&str; 6] = [
    "",
    "/",
    "/slow",
    "/slow/",
    "/test/proptest_http::fuzz_target_fast_passes",
    "/test/proptest_http%3A%3Afuzz_target_slow_fails/",
];

/// A path below the mount point, as `respond` takes it: any string.
fn raw_path() -> impl Strategy<Value = String> {
    let near_misses = vec![
        "//",
        "///",
        "/slow//",
        "//slow",
        "/SLOW",
        "/Slow",
        "slow",
        "slow/",
        "/slow/x",
        "/%73low",
        "/./",
        "/slow/.",
        "/../slow",
        "/fast",
        "/slow?",
        "/slow#",
        " /",
        "/ ",
        "/slow ",
        "\t/",
        "/slow\0",
        "\\",
        "/slow\\",
        "/slow\n",
        "/\u{FEFF}",
        "/ｓlow",
        "*",
        "/test",
        "/test/",
        "/test//",
        "/test/%ZZ",
        "/test/%FF",
        "/test/a%4",
        "/test/nope",
        "/test/proptest_http::fuzz_target_fast_passes//",
        "/test/proptest_http::fuzz_target_fast_passe",
        "/ready/",
        "/history",
    ];
    prop_oneof![
        4 => select(ROUTES.to_vec()).prop_map(String::from),
        2 => select(near_misses).prop_map(String::from),
        2 => (select(ROUTES.to_vec()), chars(8)).prop_map(|(route, tail)| format!("{route}{tail}")),
        2 => chars(64),
        1 => chars(5_000),
    ]
}

/// `text` with the bytes whose bit is set in `mask` percent-encoded (`upper` picks the hex case).
fn percent_encode(text: &str, mask: u64, upper: bool) -> String {
    let mut encoded = String::new();
    for (i, byte) in text.bytes().enumerate() {
        if mask & (1 << (i % 64)) != 0 {
            if upper {
                let _ = write!(encoded, "%{byte:02X}");
            } else {
                let _ = write!(encoded, "%{byte:02x}");
            }
        } else {
            encoded.push(byte as char);
        }
    }
    encoded
}

fn format_names() -> Vec<&'static str> {
    Format::ALL.into_iter().map(Format::name).collect()
}

/// One `name=value` of a query, mostly about `format`.
fn pair() -> impl Strategy<Value = String> {
    let names = prop_oneof![
        6 => Just("format".to_owned()),
        3 => select(vec!["tag", "exclude", "verbose"]).prop_map(String::from),
        1 => select(vec!["FORMAT", "Format", "format ", " format", "format%00", "form+at", "", "=", "format;", "verbose", "q", "Tag", "excluded"])
            .prop_map(String::from),
        1 => token(12).prop_map(|name| String::from_utf8(name).unwrap()),
        1 => chars(12),
    ];
    let values = prop_oneof![
        6 => select(format_names()).prop_map(String::from),
        1 => select(format_names()).prop_map(|name| name.to_uppercase()),
        1 => select(format_names()).prop_map(|name| format!("{name}+")),
        2 => select(vec!["", "%", "%6", "%ZZ", "%E2%82", "%FF", "%00", "html", "xml", "prometheus", "text%20", "json;", "+json"])
            .prop_map(String::from),
        2 => select(vec!["1", "true", "false", "ready", SLOW_FAILS, FAST_PASSES, "proptest_http%3A%3Afuzz_target_slow_fails"])
            .prop_map(String::from),
        1 => chars(12),
    ];
    (names, values, any::<u64>(), any::<bool>(), 0..10_u8).prop_map(
        |(name, value, mask, upper, shape)| {
            let name = percent_encode(&name, mask & 0x0f0f, upper);
            let value = percent_encode(&value, mask >> 32, upper);
            match shape {
                0 => name, // no `=`: an empty value
                1 => format!("{name}={value}={value}"),
                _ => format!("{name}={value}"),
            }
        },
    )
}

/// A query string, as `respond` takes it: any string, mostly plausible ones.
fn query() -> impl Strategy<Value = Option<String>> {
    let separators = select(vec!["&", "&", "&", "&&", ";", "&;", "%26"]);
    let counts = prop_oneof![4 => 0..=1_usize, 1 => 2..=4_usize];
    let pairs = (
        counts.prop_flat_map(|count| prop::collection::vec(pair(), count)),
        separators,
    )
        .prop_map(|(pairs, separator)| pairs.join(separator));
    prop_oneof![
        3 => Just(None),
        1 => Just(Some(String::new())),
        8 => pairs.prop_map(Some),
        2 => chars(64).prop_map(Some),
        // Around the 1 KiB limit: a valid `format=…` padded with `&`s, which are skipped.
        2 => (select(format_names()), 1000..1050_usize).prop_map(|(name, length)| {
            let mut query = format!("format={name}");
            query.extend(std::iter::repeat_n('&', length.saturating_sub(query.len())));
            Some(query)
        }),
        1 => chars(3_000).prop_map(Some),
        // Repeated keys.
        1 => (select(format_names()), 2..200_usize).prop_map(|(name, count)| {
            Some(vec![format!("format={name}"); count].join("&"))
        }),
    ]
}

/// A quality value, in range, out of range or not a number.
fn quality() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(vec!["0", "0.0", "1", "1.0", "0.5", "0.001", "0.000", "1.000", "1.001", "-0", "-1", "2",
                         "NaN", "nan", "inf", "-inf", "", "\"0.5\"", "0.5.5", "1e-3", ".5", "+0.5", "0x1"])
            .prop_map(String::from),
        2 => (0.0..=1.0_f32).prop_map(|q| format!("{q:.3}")),
        1 => any::<f32>().prop_map(|q| q.to_string()),
    ]
}

/// One media range of an `Accept` header, with parameters.
fn media_range() -> impl Strategy<Value = String> {
    let types = select(vec![
        "text/plain",
        "application/json",
        "text/*",
        "application/*",
        "*/*",
        "text/html",
        "application/xhtml+xml",
        "application/xml",
        "image/png",
        "application/vnd.api+json",
        "application/problem+json",
        "TEXT/PLAIN",
        "Application/JSON",
        "*/json",
        "json",
        "/",
        "",
        "text/plain; version=0.0.4",
        "application/openmetrics-text; version=1.0.0",
        "text/plain;charset=utf-8",
        "text/plain; charset=\"utf-8\"",
    ]);
    let q_name = select(vec!["q", "q", "q", "Q", " q", "q "]);
    (types, prop::option::of((q_name, quality())), any::<bool>()).prop_map(
        |(media_type, q, extension)| {
            let mut range = media_type.to_owned();
            if let Some((name, q)) = q {
                let _ = write!(range, ";{name}={q}");
            }
            if extension {
                range.push_str(";level=1");
            }
            range
        },
    )
}

/// A byte a header value may hold: visible ASCII, space, tab and obs-text (`0x80..=0xFF`).
fn header_byte() -> impl Strategy<Value = u8> {
    prop_oneof![6 => 0x20..0x7F_u8, 1 => Just(b'\t'), 2 => 0x80..=0xFF_u8]
}

fn accept_value() -> impl Strategy<Value = HeaderValue> {
    let separators = select(vec![",", ", ", " , ", ",,", "\t,", ";"]);
    let lists = (prop::collection::vec(media_range(), 0..12), separators)
        .prop_map(|(ranges, separator)| ranges.join(separator));
    prop_oneof![
        6 => lists.prop_map(|list| HeaderValue::from_str(&list).expect("visible ASCII")),
        // A JSON range followed by obs-text: the header is unreadable as a whole.
        1 => (media_range(), prop::collection::vec(0x80..=0xFF_u8, 1..4)).prop_map(|(range, tail)| {
            let mut bytes = range.into_bytes();
            bytes.extend(tail);
            HeaderValue::from_bytes(&bytes).expect("obs-text is allowed")
        }),
        2 => prop::collection::vec(header_byte(), 0..200)
            .prop_map(|bytes| HeaderValue::from_bytes(&bytes).expect("a header value's bytes")),
    ]
}

fn headers() -> impl Strategy<Value = HeaderMap> {
    let names = prop_oneof![
        3 => select(vec!["accept", "authorization", "host", "x-forwarded-for", "accept-encoding", "content-type", "cookie", "x-smoketest-token"])
            .prop_map(HeaderName::from_static),
        1 => token(24).prop_map(|name| HeaderName::from_bytes(&name).expect("a token is a header name")),
    ];
    let others = prop::collection::vec(
        (
            names,
            prop::collection::vec(header_byte(), 0..64)
                .prop_map(|bytes| HeaderValue::from_bytes(&bytes).expect("a header value's bytes")),
        ),
        0..4,
    );
    let accepts = prop_oneof![
        2 => prop::collection::vec(accept_value(), 0..=1),
        2 => prop::collection::vec(accept_value(), 2..6),
        // Many Accept values.
        1 => prop::collection::vec(accept_value(), 6..64),
    ];
    (accepts, others).prop_map(|(accepts, others)| {
        let mut headers = HeaderMap::new();
        for value in accepts {
            headers.append(ACCEPT, value);
        }
        for (name, value) in others {
            headers.append(name, value);
        }
        headers
    })
}

/// Characters a URI's path may hold as they are (`http`'s parser keeps them in the path).
const PATH_CHARS: &[u8] =
    b"!\"$%&'()*+,-./0123456789:;=@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_abcdefghijklmnopqrstuvwxyz{|}~";
/// Characters a URI's query may hold as they are.
const QUERY_CHARS: &[u8] =
    b"!$%&'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

/// A piece of a URI path or query: allowed characters as they are, any byte percent-encoded,
/// or a malformed `%`.
fn uri_piece(allowed: &'static [u8]) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => select(allowed).prop_map(|byte| (byte as char).to_string()),
        2 => any::<u8>().prop_map(|byte| format!("%{byte:02X}")),
        1 => select(vec!["%", "%G", "%2", "%zz", "%%"]).prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

/// A request for `handle_under`, with the mount point it is served under.
fn request_under() -> impl Strategy<Value = (String, Request<()>)> {
    let prefixes = prop_oneof![
        4 => select(vec!["/smoketest", "/smoketest/", "/health/smoke", "", "/", "//", "/smoke"])
            .prop_map(String::from),
        1 => chars(12),
    ];
    // The path's mount point: mostly the prefix, so that most requests reach the routes.
    let mounts = prop_oneof![
        3 => Just(None),
        1 => select(vec!["/smoketest", "/smoketest/", "/health/smoke", "", "/smoketests", "/smoke", "/SMOKETEST"])
            .prop_map(Some),
    ];
    let tails = prop_oneof![
        4 => select(ROUTES.to_vec()).prop_map(String::from),
        2 => uri_piece(PATH_CHARS).prop_map(|piece| format!("/{piece}")),
        1 => (select(ROUTES.to_vec()), uri_piece(PATH_CHARS)).prop_map(|(route, piece)| format!("{route}{piece}")),
    ];
    let queries = prop_oneof![
        2 => Just(None),
        3 => query().prop_map(|query| query.map(|query| percent_encode_outside(&query, QUERY_CHARS))),
        1 => uri_piece(QUERY_CHARS).prop_map(Some),
    ];
    let form = select(vec!["origin", "origin", "origin", "absolute"]);
    (prefixes, mounts, tails, queries, form, method(), headers()).prop_filter_map(
        "a valid URI",
        |(prefix, mount, tail, query, form, method, headers)| {
            let mut uri = String::new();
            if form == "absolute" {
                uri.push_str("http://example.com");
            }
            match mount {
                Some(mount) => uri.push_str(mount),
                None => uri.push_str(&percent_encode_outside(
                    prefix.trim_end_matches('/'),
                    PATH_CHARS,
                )),
            }
            uri.push_str(&tail);
            if !uri.starts_with('/') && form != "absolute" {
                uri.insert(0, '/');
            }
            if let Some(query) = query {
                uri.push('?');
                uri.push_str(&query);
            }
            let uri = Uri::try_from(uri).ok()?;
            let mut request = Request::new(());
            *request.method_mut() = method;
            *request.uri_mut() = uri;
            *request.headers_mut() = headers;
            Some((prefix, request))
        },
    )
}

/// Percent-encodes the bytes of `text` that a URI can't hold as they are.
fn percent_encode_outside(text: &str, allowed: &[u8]) -> String {
    let mut encoded = String::new();
    for byte in text.bytes() {
        if allowed.contains(&byte) {
            encoded.push(byte as char);
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

// ---------------------------------------------------------------------------------------------
// The properties.

fn cases() -> u32 {
    std::env::var("SMOKETEST_FUZZ_CASES").map_or(2_000, |cases| {
        cases
            .trim()
            .replace('_', "")
            .parse()
            .expect("SMOKETEST_FUZZ_CASES is a number of cases")
    })
}

fn config() -> Config {
    let cases = cases();
    Config {
        cases,
        // A few requests for `handle_under` make no valid URI and are drawn again.
        max_local_rejects: cases.max(65_536),
        // Inputs are printed on failure; no regression files are written next to the tests.
        failure_persistence: None,
        ..Config::default()
    }
}

/// Runs `property` over `strategy`, counting the statuses answered, and panics with the
/// minimal failing input if a case fails.
fn fuzz<S: Strategy>(
    name: &str,
    strategy: S,
    property: impl Fn(S::Value) -> Result<StatusCode, TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let statuses = RefCell::new(BTreeMap::<u16, u64>::new());
    let mut runner = TestRunner::new(config());
    let result = runner.run(&strategy, |input| {
        let status = property(input)?;
        *statuses.borrow_mut().entry(status.as_u16()).or_default() += 1;
        Ok(())
    });
    if let Err(error) = result {
        panic!("{name}: {error}");
    }
    let statuses = statuses.into_inner();
    let total: u64 = statuses.values().sum();
    eprintln!("{name}: {total} cases passed; statuses {statuses:?}");
}

#[test]
fn respond_answers_every_request_with_a_documented_status() {
    let strategy = (0..2_usize, method(), raw_path(), query(), headers());
    fuzz(
        "respond",
        strategy,
        |(fixture, method, path, query, headers)| {
            let fixture = &fixtures()[fixture];
            let expected = expect(&method, &path, query.as_deref(), &headers);
            exercise(fixture, &method, expected, |method| {
                block_on(
                    fixture
                        .endpoint
                        .respond(method, &path, query.as_deref(), &headers),
                )
            })
        },
    );
}

#[test]
fn respond_on_the_report_routes_negotiates_the_format() {
    let methods = prop_oneof![3 => Just(Method::GET), 2 => Just(Method::HEAD), 1 => method()];
    let strategy = (
        0..2_usize,
        methods,
        select(ROUTES.to_vec()),
        query(),
        headers(),
    );
    fuzz(
        "respond on report routes",
        strategy,
        |(fixture, method, path, query, headers)| {
            let fixture = &fixtures()[fixture];
            let expected = expect(&method, path, query.as_deref(), &headers);
            exercise(fixture, &method, expected, |method| {
                block_on(
                    fixture
                        .endpoint
                        .respond(method, path, query.as_deref(), &headers),
                )
            })
        },
    );
}

#[test]
fn handle_under_answers_every_uri_with_a_documented_status() {
    let strategy = (0..2_usize, request_under());
    fuzz("handle_under", strategy, |(fixture, (prefix, request))| {
        let fixture = &fixtures()[fixture];
        let expected = expect_under(&prefix, &request);
        exercise(fixture, request.method(), expected, |method| {
            let mut request = request.clone();
            *request.method_mut() = method.clone();
            block_on(fixture.endpoint.handle_under(&prefix, &request))
        })
    });
}

/// The oracle agrees with the README's examples, so that the properties check the contract
/// rather than a copy of the code.
#[test]
fn the_oracle_follows_the_readme() {
    let none = HeaderMap::new();
    let json = Some("format=json");
    let report = |passed, format| Expect::Report { passed, format };
    assert_eq!(
        expect(&Method::POST, "/nope", None, &none),
        Expect::NotFound
    );
    assert_eq!(expect(&Method::POST, "/", None, &none), Expect::NotAllowed);
    assert_eq!(
        expect(&Method::GET, "/", Some("verbose=1"), &none),
        report(true, Format::Kubernetes)
    );
    for bad in [
        "format=json&format=json",
        "verbose&format=json",
        "verbose=false",
        "tag=",
        "exclude=a&exclude=a",
        "verbos",
    ] {
        assert_eq!(
            expect(&Method::GET, "/", Some(bad), &none),
            Expect::BadQuery,
            "{bad}"
        );
    }
    assert_eq!(
        expect(&Method::GET, "/", Some(&"&".repeat(1025)), &none),
        Expect::BadQuery
    );
    assert_eq!(
        expect(&Method::HEAD, "/slow/", json, &none),
        report(false, Format::Json)
    );
    // Selections: no test has a tag; excluding the failing test makes the slow tier pass.
    assert_eq!(
        expect(&Method::GET, "/slow/", Some("tag=ready"), &none),
        report(true, Format::Text)
    );
    let excluded = format!("exclude={SLOW_FAILS}&format=json");
    assert_eq!(
        expect(&Method::GET, "/slow/", Some(&excluded), &none),
        report(true, Format::Json)
    );
    // One test by name, percent-decoded; an unknown name is a 404, a malformed one a 400.
    assert_eq!(
        expect(
            &Method::GET,
            "/test/proptest_http%3A%3Afuzz_target_slow_fails/",
            None,
            &none
        ),
        report(false, Format::Text)
    );
    assert_eq!(
        expect(&Method::POST, "/test/nope", None, &none),
        Expect::NotFound
    );
    assert_eq!(
        expect(&Method::POST, "/test/%ZZ", None, &none),
        Expect::BadPath
    );
    assert_eq!(
        expect(&Method::GET, "/ready/", None, &none),
        Expect::NotFound
    );
    let mut accept = HeaderMap::new();
    accept.insert(ACCEPT, HeaderValue::from_static("application/json"));
    assert_eq!(
        expect(&Method::GET, "", Some("&"), &accept),
        report(true, Format::Json)
    );
    let request = Request::get("/smoketest/slow?format=text")
        .body(())
        .unwrap();
    assert_eq!(
        expect_under("/smoketest/", &request),
        report(false, Format::Text)
    );
    let request = Request::get("/smoketestslow").body(()).unwrap();
    assert_eq!(expect_under("/smoketest", &request), Expect::NotFound);
}

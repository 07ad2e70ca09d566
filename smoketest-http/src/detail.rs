//! Detail levels: what a caller who is not authorized sees of a report.

/// What callers who are not authorized see (set with
/// [`SmokeEndpoint::anonymous`](crate::SmokeEndpoint::anonymous)). Authorized callers always see
/// everything: names, messages, locations, captured output (all of it
/// [redacted](crate::SmokeEndpoint::redactor)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Detail {
    /// Nothing: 401 (or 403 when only a predicate is configured, as no credential could help).
    /// The default once a bearer token or a predicate is configured.
    None,
    /// The status and the counts, no messages, and no test names except in the Kubernetes text,
    /// as [`smoketest::render::Detail::Summary`] renders them: the text report's seven lines (and
    /// the `note:` of a run with too few tests), JSON with only `status`, `test_classes`,
    /// `tests_run`, `tests_passed`, `tests_failed`, `tests_errored`, `time`, `tier` and
    /// `"detail": "summary"` (plus `min_tests` and `tests_selected` when the runner has a
    /// minimum, and `age` when the report is a stored one); Prometheus gets the run totals
    /// without the per-test series, HTML the banner and counts without the table, health+json
    /// its `status`, the [service](crate::SmokeEndpoint::service) and the counts in `output`
    /// without `checks`; the Kubernetes text (`?verbose`) names each test with `reason
    /// withheld`, as kube-apiserver shows its checks to anybody. So a summary caller learns
    /// which tests exist and whether each passed (`?verbose`, `/test/{name}`), never why one
    /// failed. The status code is the report's (200 on PASS, the FAIL status otherwise), so a
    /// load balancer needs no credentials.
    Summary,
    /// Everything, as authorized callers see it. The default without access control.
    Full,
}

//! The endpoint's run history and flap damping: their configuration on the endpoint (the
//! tiers' thresholds, the history's length, the endpoint-wide hook), and `GET /history/`.

use std::sync::Arc;

use http::header::{CONTENT_TYPE, VARY};
use http::{HeaderValue, Method, Response, StatusCode};
use smoketest::Tier;

use crate::SmokeEndpoint;
use crate::access::Grant;
use crate::change::{Notifier, StatusChange};
use crate::history::{self, MAX_HISTORY};
use crate::query::quoted;
use crate::respond::{echoing, method_not_allowed};
use crate::threshold::{self, Thresholds};
use crate::tracker::Tracking;

impl SmokeEndpoint {
    /// Keeps the last `runs` runs of each tier and each [group](Self::group) (20 by default, at
    /// most 1000; 0 keeps none), served as JSON at `GET /history/` and shown by the HTML page
    /// as a strip of each test's outcomes in the last 30 runs, with the tests whose outcome
    /// flipped more than once in those marked *flaky*.
    ///
    /// Only a tier's or a group's own runs are kept, however they start (a request, several
    /// sharing one run, a [schedule](Self::schedule)): not those narrowed by `?tag=` or
    /// `?exclude=`, nor `/test/{name}`, which clients make up in any number. A run is kept as
    /// its summary — start, run id, status, counts, duration and each test's outcome, a byte
    /// per test — never its messages or captured output.
    ///
    /// `GET /history/` (or `/history`, and `HEAD`) never runs a test. It answers under the
    /// same access rules as the reports: callers who may see the summary only get the entries
    /// without `failing` and `warned` (no test names). It takes no query parameter:
    ///
    /// ```json
    /// {"limit":20,
    ///  "tiers":{"fast":[{"time":"2024-05-01T12:00:00.123Z","run_id":"0192f3b4-…","status":"FAIL",
    ///                    "reported":"PASS","tests_run":3,"tests_passed":2,"tests_failed":1,
    ///                    "tests_errored":0,"tests_warned":0,"duration":12.5,
    ///                    "failing":["app::smoke::db"],"warned":[]}],
    ///           "slow":[]},
    ///  "groups":{"ready":[]}}
    /// ```
    ///
    /// Entries are oldest first. `time` is when the run started (RFC 3339), `status` the run's
    /// own (as its report says), `reported` what the tier or group answered after its
    /// thresholds ([`fail_after`](Self::fail_after),
    /// [`Group::fail_after`](crate::Group::fail_after)): `PASS` for a 200, `FAIL` for the
    /// failure status or a [`starting:`](crate::Group::startup_grace) answer;
    /// `duration` its wall time in milliseconds, `failing` the tests that failed or errored and
    /// `warned` the `warn_only` ones that did not pass, sorted, at most 10 each (the counts say
    /// how many there are). Groups are listed in the order they were added.
    ///
    /// ```
    /// use smoketest_http::SmokeEndpoint;
    ///
    /// let endpoint = SmokeEndpoint::new(smoketest::Runner::new().filter("no test has this name"))
    ///     .history(50);
    /// let request = http::Request::get("/history/").body(()).unwrap();
    /// let response = futures_executor::block_on(endpoint.handle(&request));
    /// assert_eq!(response.status(), 200);
    /// assert_eq!(response.body(), r#"{"limit":50,"tiers":{"fast":[],"slow":[]},"groups":{}}"#);
    /// ```
    ///
    /// # Panics
    ///
    /// When `runs` is more than 1000, saying so.
    pub fn history(mut self, runs: usize) -> Self {
        if runs > MAX_HISTORY {
            panic!(
                "SmokeEndpoint::history({runs}): at most {MAX_HISTORY} runs are kept per tier \
                 and group; the default is {}",
                history::DEFAULT_HISTORY
            );
        }
        let tracking = &self.tracking;
        let tracking = Tracking::new(runs, tracking.thresholds, tracking.hook.clone());
        self.retrack(tracking);
        self
    }

    /// The tiers (`/` and `/slow/`) report FAIL only after `runs` of their runs in a row
    /// failed; 1 by default. What [`Group::fail_after`](crate::Group::fail_after) does for a
    /// group, for each tier on its own: a failing run before that answers 200, its report its
    /// own (`FAIL` first) with the warning `failed run 1 of 3 in a row: answered 200 until 3
    /// runs in a row fail`. The status code is all that is damped; the first failing runs after
    /// the start answer 200 only when `runs` is more than 1.
    ///
    /// ```
    /// let endpoint = smoketest_http::SmokeEndpoint::new(smoketest::Runner::new())
    ///     .fail_after(3)
    ///     .pass_after(2);
    /// # let _ = endpoint;
    /// ```
    ///
    /// # Panics
    ///
    /// When `runs` is 0 or more than 1000, saying so.
    pub fn fail_after(mut self, runs: u32) -> Self {
        let mut thresholds = self.tracking.thresholds;
        thresholds.fail_after = threshold::checked("SmokeEndpoint::fail_after", runs);
        self.set_thresholds(thresholds);
        self
    }

    /// After a tier reported FAIL, it reports PASS again only after `runs` of its runs in a
    /// row passed; 1 by default. See [`Group::pass_after`](crate::Group::pass_after).
    ///
    /// # Panics
    ///
    /// When `runs` is 0 or more than 1000, saying so.
    pub fn pass_after(mut self, runs: u32) -> Self {
        let mut thresholds = self.tracking.thresholds;
        thresholds.pass_after = threshold::checked("SmokeEndpoint::pass_after", runs);
        self.set_thresholds(thresholds);
        self
    }

    /// Calls `hook` with every change of the status a tier or a group reports (its status
    /// code), after their thresholds; a group's own [hook](crate::Group::on_change) is called too. Called again,
    /// it replaces the hook. It runs on a thread of its own, so that it never holds back a run
    /// or a response; see [`Group::on_change`](crate::Group::on_change) for the details.
    ///
    /// ```
    /// use smoketest_http::SmokeEndpoint;
    ///
    /// let endpoint = SmokeEndpoint::new(smoketest::Runner::new())
    ///     .on_change(|change| eprintln!("smoke tests: {change}"));
    /// # let _ = endpoint;
    /// ```
    pub fn on_change(mut self, hook: impl Fn(&StatusChange) + Send + Sync + 'static) -> Self {
        let notifier = Arc::new(Notifier::new(Arc::new(hook)));
        let tracking = &self.tracking;
        let tracking = Tracking::new(tracking.limit, tracking.thresholds, Some(notifier));
        self.retrack(tracking);
        self
    }

    fn set_thresholds(&mut self, thresholds: Thresholds) {
        let tracking = &self.tracking;
        let tracking = Tracking::new(tracking.limit, thresholds, tracking.hook.clone());
        self.retrack(tracking);
    }

    /// The answer to `/history/`: 405 for another method than `GET` and `HEAD`, 400 for any
    /// query parameter, else the history in as much detail as `grant` allows.
    pub(crate) fn history_response(
        &self,
        method: &Method,
        query: Option<&str>,
        grant: Grant,
    ) -> Response<String> {
        if let Some(refused) = method_not_allowed(method) {
            return self.finish(method, refused);
        }
        let given = query
            .into_iter()
            .flat_map(|query| form_urlencoded::parse(query.as_bytes()))
            .find(|(name, value)| !name.is_empty() || !value.is_empty());
        if let Some((name, _)) = given {
            let reason = format!(
                "unknown query parameter {}; /history/ takes none (it is always JSON)",
                quoted(&name)
            );
            return self.finish(method, echoing(StatusCode::BAD_REQUEST, reason));
        }
        let tiers = [Tier::Fast, Tier::Slow].map(|tier| {
            let entries = self.tracking.tier(tier).entries();
            (tier.as_str(), entries)
        });
        let groups: Vec<(&str, Vec<history::Entry>)> = self
            .groups
            .iter()
            .map(|configured| (&*configured.name, configured.tracker.entries()))
            .collect();
        let names = !matches!(grant, Grant::Summary);
        let body = history::document(self.tracking.limit, &tiers, &groups, names);
        let mut response = Response::new(body);
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if self.access.varies() {
            headers.insert(VARY, HeaderValue::from_static("authorization"));
        }
        *response.status_mut() = StatusCode::OK;
        self.finish(method, response)
    }
}

#[cfg(test)]
mod tests;

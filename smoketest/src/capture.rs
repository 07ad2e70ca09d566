//! Per-test output capture: the `tracing` events (and `log` records) a test emits, kept with its
//! result.
//!
//! Each test runs inside its body's span, `smoketest.test.body` (target `smoketest`, level INFO;
//! see [`trace`](crate::trace)). The app's [`CaptureLayer`] gives each such span a bounded buffer
//! and appends every event to the buffer of the innermost test body span it happened in, so concurrent
//! tests never mix their output, and the app's other layers still see every event. Events inside
//! a `smoketest.set_up_suite` span are the suite's, not the test's that happens to set it up:
//! they are not captured. Without the `tracing` feature, or without a `CaptureLayer` in the app's
//! subscriber, nothing is captured and the runner pays one relaxed atomic load per test.

#[cfg(not(feature = "tracing"))]
pub(crate) use self::disabled::TestCapture;
#[cfg(feature = "tracing")]
pub use self::enabled::CaptureLayer;
#[cfg(feature = "tracing")]
pub(crate) use self::enabled::TestCapture;

#[cfg(not(feature = "tracing"))]
mod disabled {
    use tracing::Span;

    /// Without the `tracing` feature: the job's span, nothing to capture, nothing to pay.
    #[derive(Clone, Debug)]
    pub(crate) struct TestCapture {
        span: Span,
    }

    impl TestCapture {
        /// The job's span, made by `span`.
        pub(crate) fn new(span: impl FnOnce() -> Span) -> Self {
            TestCapture { span: span() }
        }

        /// The job's span.
        pub(crate) fn span(&self) -> &Span {
            &self.span
        }

        pub(crate) fn take(&self) -> Vec<String> {
            Vec::new()
        }
    }
}

#[cfg(feature = "tracing")]
mod enabled {
    use std::cell::RefCell;
    use std::fmt::{self, Write as _};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::{Event, Metadata, Span, Subscriber, span};
    use tracing_subscriber::layer::{Context, Layer};
    use tracing_subscriber::registry::LookupSpan;

    /// Most events kept per test; later ones are counted in the truncation marker.
    pub(crate) const MAX_LINES: usize = 1000;

    /// Most bytes of formatted events kept per test; later events are counted in the truncation
    /// marker.
    pub(crate) const MAX_BYTES: usize = 64 * 1024;

    /// The last line of a truncated output: `… output truncated (9000 more lines)`.
    fn truncation_marker(dropped: usize) -> String {
        format!("… output truncated ({dropped} more lines)")
    }

    /// The span's name and target: what makes a span a smoke test's body, where its code runs.
    const SPAN_NAME: &str = "smoketest.test.body";
    const SPAN_TARGET: &str = "smoketest";
    /// A suite's set-up inside a test's body: its events are not the test's.
    const SUITE_SPAN_NAME: &str = "smoketest.set_up_suite";

    /// Set once any `CaptureLayer` exists: until then the runner makes no buffers.
    static LAYER_EXISTS: AtomicBool = AtomicBool::new(false);

    thread_local! {
        /// Hands the buffer that `on_new_span` made over to the `TestCapture::new` that created
        /// the span (span creation calls the layer synchronously, on the creating thread).
        static JUST_CREATED: RefCell<Option<Arc<Buffer>>> = const { RefCell::new(None) };
    }

    /// A [`tracing_subscriber::Layer`] that records the events of each smoke test into that
    /// test's report: [`TestReport::output`](crate::TestReport::output) in the JSON details,
    /// and under the test's line in verbose text when it failed or errored.
    ///
    /// Add it to the app's subscriber next to its own layers, which still see every event:
    ///
    // Its own doctest binary: the subscriber is process-wide, and its smoke test must not show up
    // in other doctests' runs.
    /// ```standalone_crate
    /// use tracing_subscriber::layer::SubscriberExt as _;
    ///
    /// #[smoketest::smoke_test]
    /// fn cache_is_warm() {
    ///     tracing::info!(target: "app::cache", entries = 1200, "cache loaded");
    /// }
    ///
    /// let subscriber = tracing_subscriber::registry()
    ///     .with(smoketest::CaptureLayer::new());
    ///     // .with(tracing_subscriber::fmt::layer())   // the app's own layers, unchanged
    /// tracing::subscriber::set_global_default(subscriber).expect("no subscriber yet");
    /// // tracing_log::LogTracer::init()?;   // and `log` records too
    ///
    /// let report = smoketest::Runner::new().filter("cache_is_warm").run(smoketest::Tier::Fast);
    /// assert_eq!(
    ///     report.tests[0].output,
    ///     ["INFO app::cache: cache loaded entries=1200"],
    /// );
    /// ```
    ///
    /// What is captured:
    /// - events emitted while a test runs — in its body, `set_up` and `tear_down`, sync or async,
    ///   across `.await`s and on whichever thread polls it — one line each:
    ///   `LEVEL target: message field=value …`;
    /// - events of tasks and threads the test starts, *when they carry its span*:
    ///   `tokio::spawn(work.in_current_span())` (with `tracing::Instrument`), or
    ///   `let span = tracing::Span::current();` then `span.in_scope(…)` on the other thread.
    ///   A task spawned bare has no span and its events are not attributed to the test (the app's
    ///   layers still see them);
    /// - `log` records, once the app forwards them to `tracing` with `tracing-log`'s
    ///   `LogTracer::init()`; their target is the record's.
    ///
    /// Not captured: `println!`/`eprintln!` (there is no per-test stdout in a server), suite-wide
    /// hooks (`set_up_suite`, `tear_down_suite`), and events that a filter in front of this layer
    /// discarded. The runner's spans are at level INFO with target `smoketest`: a global filter that
    /// drops it (say `RUST_LOG=warn`) turns capture off, so let it through — `warn,smoketest=info` —
    /// or filter the app's own layers with `Layer::with_filter` instead.
    ///
    /// Each test keeps at most 1000 events and 64 KiB; the rest are counted in a last line
    /// `… output truncated (N more lines)`.
    #[derive(Debug, Default)]
    pub struct CaptureLayer {
        _private: (),
    }

    impl CaptureLayer {
        /// A layer to add to the app's subscriber.
        pub fn new() -> Self {
            LAYER_EXISTS.store(true, Ordering::Relaxed);
            CaptureLayer { _private: () }
        }
    }

    fn is_test_span(metadata: &Metadata<'_>) -> bool {
        metadata.name() == SPAN_NAME && metadata.target() == SPAN_TARGET
    }

    fn is_suite_span(metadata: &Metadata<'_>) -> bool {
        metadata.name() == SUITE_SPAN_NAME && metadata.target() == SPAN_TARGET
    }

    impl<S> Layer<S> for CaptureLayer
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        fn on_new_span(
            &self,
            attributes: &span::Attributes<'_>,
            id: &span::Id,
            ctx: Context<'_, S>,
        ) {
            if !is_test_span(attributes.metadata()) {
                return;
            }
            let Some(span) = ctx.span(id) else { return };
            let buffer = Arc::new(Buffer::default());
            span.extensions_mut().replace(Arc::clone(&buffer));
            JUST_CREATED.with(|slot| *slot.borrow_mut() = Some(buffer));
        }

        fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
            let Some(scope) = ctx.event_scope(event) else {
                return;
            };
            for span in scope {
                if is_suite_span(span.metadata()) {
                    return;
                }
                let extensions = span.extensions();
                if let Some(buffer) = extensions.get::<Arc<Buffer>>() {
                    buffer.push(event);
                    return;
                }
            }
        }
    }

    /// One test's captured lines, bounded by [`MAX_LINES`] and [`MAX_BYTES`].
    #[derive(Debug, Default)]
    struct Buffer {
        lines: Mutex<Lines>,
    }

    #[derive(Debug, Default)]
    struct Lines {
        lines: Vec<String>,
        bytes: usize,
        /// Events not kept: once one is dropped, all later ones are, so the output stays a prefix.
        dropped: usize,
        /// Taken into the report: later events (from tasks outliving the test) are dropped.
        closed: bool,
    }

    impl Lines {
        fn full(&self) -> bool {
            self.dropped > 0 || self.lines.len() >= MAX_LINES
        }
    }

    impl Buffer {
        fn lock(&self) -> std::sync::MutexGuard<'_, Lines> {
            crate::sync::lock(&self.lines)
        }

        fn push(&self, event: &Event<'_>) {
            {
                // Counting without formatting keeps a flooding test cheap.
                let mut lines = self.lock();
                if lines.closed {
                    return;
                }
                if lines.full() {
                    lines.dropped += 1;
                    return;
                }
            }
            let line = format_event(event);
            let mut lines = self.lock();
            if lines.closed {
                return;
            }
            if lines.full() || lines.bytes + line.len() > MAX_BYTES {
                lines.dropped += 1;
            } else {
                lines.bytes += line.len();
                lines.lines.push(line);
            }
        }

        fn take(&self) -> Vec<String> {
            let mut lines = self.lock();
            lines.closed = true;
            let dropped = lines.dropped;
            let mut taken = std::mem::take(&mut lines.lines);
            if dropped > 0 {
                taken.push(truncation_marker(dropped));
            }
            taken
        }
    }

    /// `LEVEL target: message field=value …`, strings quoted as `tracing`'s own formatter does.
    fn format_event(event: &Event<'_>) -> String {
        let metadata = event.metadata();
        let mut visitor = LineVisitor::default();
        event.record(&mut visitor);
        // `tracing-log` events carry the record's target in a field; the metadata says `log`.
        let target = visitor
            .log_target
            .as_deref()
            .unwrap_or_else(|| metadata.target());
        let mut line = format!("{} {target}:", metadata.level());
        if !visitor.message.is_empty() {
            line.push(' ');
            line.push_str(&visitor.message);
        }
        line.push_str(&visitor.fields);
        line
    }

    #[derive(Default)]
    struct LineVisitor {
        message: String,
        fields: String,
        log_target: Option<String>,
    }

    impl Visit for LineVisitor {
        fn record_str(&mut self, field: &Field, value: &str) {
            match field.name() {
                "message" => self.message.push_str(value),
                "log.target" => self.log_target = Some(value.to_owned()),
                _ => self.record_debug(field, &value),
            }
        }

        fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
            match field.name() {
                // Writing to a String cannot fail.
                "message" => {
                    let _ = write!(self.message, "{value:?}");
                }
                // `tracing-log`'s metadata of a `log` record (module, file, line): not the app's.
                name if name.starts_with("log.") => {}
                name => {
                    let _ = write!(self.fields, " {name}={value:?}");
                }
            }
        }
    }

    /// The span and buffer of one running job.
    #[derive(Clone, Debug)]
    pub(crate) struct TestCapture {
        span: Span,
        buffer: Option<Arc<Buffer>>,
    }

    impl TestCapture {
        /// The job's span, made by `span`, with the buffer a [`CaptureLayer`] gave it, if any
        /// (only a test's body span gets one).
        pub(crate) fn new(span: impl FnOnce() -> Span) -> Self {
            if !LAYER_EXISTS.load(Ordering::Relaxed) {
                return TestCapture {
                    span: span(),
                    buffer: None,
                };
            }
            JUST_CREATED.with(|slot| slot.borrow_mut().take());
            let span = span();
            let buffer = JUST_CREATED.with(|slot| slot.borrow_mut().take());
            TestCapture { span, buffer }
        }

        /// The job's span.
        pub(crate) fn span(&self) -> &Span {
            &self.span
        }

        /// Runs synchronous work of the test inside its span.
        #[cfg(test)]
        pub(crate) fn in_scope<R>(&self, f: impl FnOnce() -> R) -> R {
            self.span.in_scope(f)
        }

        /// The lines captured so far, with the truncation marker if events were dropped; later
        /// events are not kept.
        pub(crate) fn take(&self) -> Vec<String> {
            self.buffer
                .as_ref()
                .map(|buffer| buffer.take())
                .unwrap_or_default()
        }
    }
}

#[cfg(all(test, feature = "tracing"))]
mod tests {
    use super::enabled::{MAX_BYTES, MAX_LINES};
    use super::*;
    use crate::trace::propagate;

    /// A test's body span, as the scheduler makes it.
    fn test_span(name: &str) -> tracing::Span {
        crate::trace::test_body(&tracing::Span::none(), name)
    }

    use tracing_subscriber::layer::SubscriberExt as _;

    /// Runs `f` with a subscriber holding a `CaptureLayer`, on this thread.
    fn with_layer<R>(f: impl FnOnce() -> R) -> R {
        let subscriber = tracing_subscriber::registry().with(CaptureLayer::new());
        tracing::subscriber::with_default(subscriber, f)
    }

    #[test]
    fn an_event_is_one_line_with_level_target_message_and_fields() {
        let output = with_layer(|| {
            let capture = TestCapture::new(|| test_span("app::smoke::t"));
            capture.in_scope(|| {
                tracing::info!(host = "db-1", port = 5432, "connected to {}", "db");
                tracing::warn!(target: "app::db", retries = 2, ok = false, "slow");
                tracing::error!(code = 7);
                tracing::debug!(message = "as a field");
            });
            capture.take()
        });
        assert_eq!(
            output,
            [
                "INFO smoketest::capture::tests: connected to db host=\"db-1\" port=5432",
                "WARN app::db: slow retries=2 ok=false",
                "ERROR smoketest::capture::tests: code=7",
                "DEBUG smoketest::capture::tests: as a field",
            ]
        );
    }

    #[test]
    fn events_in_the_apps_own_spans_inside_a_test_belong_to_the_test() {
        let output = with_layer(|| {
            let capture = TestCapture::new(|| test_span("t"));
            capture.in_scope(|| {
                let _query = tracing::info_span!("query", table = "users").entered();
                tracing::info!("inside");
            });
            capture.take()
        });
        assert_eq!(output, ["INFO smoketest::capture::tests: inside"]);
    }

    #[test]
    fn events_of_a_suite_s_set_up_inside_a_test_are_not_the_test_s() {
        let output = with_layer(|| {
            let capture = TestCapture::new(|| test_span("t"));
            capture.in_scope(|| {
                crate::trace::set_up_suite("s").in_scope(|| tracing::info!("the suite's"));
                tracing::info!("the test's");
            });
            capture.take()
        });
        assert_eq!(output, ["INFO smoketest::capture::tests: the test's"]);
    }

    #[test]
    fn events_outside_any_test_are_not_captured() {
        let output = with_layer(|| {
            let capture = TestCapture::new(|| test_span("t"));
            tracing::info!("outside");
            capture.take()
        });
        assert_eq!(output, Vec::<String>::new());
    }

    #[test]
    fn work_propagated_to_another_thread_stays_in_the_test() {
        let output = with_layer(|| {
            let capture = TestCapture::new(|| test_span("t"));
            let job = capture.in_scope(|| propagate(|| tracing::info!("on a worker")));
            std::thread::spawn(job).join().unwrap();
            capture.take()
        });
        assert_eq!(output, ["INFO smoketest::capture::tests: on a worker"]);
    }

    #[test]
    fn output_is_cut_at_the_line_limit_with_a_marker() {
        let output = with_layer(|| {
            let capture = TestCapture::new(|| test_span("t"));
            capture.in_scope(|| {
                for line in 0..MAX_LINES + 250 {
                    tracing::info!(line);
                }
            });
            capture.take()
        });
        assert_eq!(output.len(), MAX_LINES + 1);
        assert_eq!(
            output[MAX_LINES - 1],
            format!("INFO smoketest::capture::tests: line={}", MAX_LINES - 1)
        );
        assert_eq!(output[MAX_LINES], "… output truncated (250 more lines)");
    }

    #[test]
    fn output_is_cut_at_the_byte_limit_and_stays_a_prefix() {
        let output = with_layer(|| {
            let capture = TestCapture::new(|| test_span("t"));
            capture.in_scope(|| {
                let big = "x".repeat(MAX_BYTES / 3);
                for _ in 0..4 {
                    tracing::info!("{big}");
                }
                tracing::info!("small, but after a dropped line");
            });
            capture.take()
        });
        assert_eq!(output.len(), 3);
        assert_eq!(output[2], "… output truncated (3 more lines)");
    }

    #[test]
    fn events_after_the_output_was_taken_are_not_kept() {
        let output = with_layer(|| {
            let capture = TestCapture::new(|| test_span("t"));
            capture.in_scope(|| tracing::info!("during"));
            let during = capture.take();
            capture.in_scope(|| tracing::info!("after"));
            (during, capture.take())
        });
        assert_eq!(output.0, ["INFO smoketest::capture::tests: during"]);
        assert_eq!(output.1, Vec::<String>::new());
    }

    #[test]
    fn without_a_capture_layer_nothing_is_captured() {
        let subscriber = tracing_subscriber::registry();
        let output = tracing::subscriber::with_default(subscriber, || {
            let capture = TestCapture::new(|| test_span("t"));
            capture.in_scope(|| tracing::info!("nobody keeps this"));
            capture.take()
        });
        assert_eq!(output, Vec::<String>::new());
    }
}

//! What the coalescing tests share: smoke tests that count their runs and wait at a gate the
//! test opens (async ones, and sync ones that block their thread), and requests whose first
//! poll is observable.
#![allow(dead_code, unreachable_pub)]

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

use http::{HeaderMap, HeaderValue, Method, Response};
use smoketest_http::SmokeEndpoint;
use tokio::sync::Semaphore;

/// What a smoke test records about its runs, and the gate each run waits at.
pub struct Probe {
    runs: AtomicUsize,
    finished: AtomicUsize,
    cancelled: AtomicUsize,
    running: AtomicUsize,
    peak: AtomicUsize,
    gate: Semaphore,
}

impl Probe {
    /// A probe whose runs wait until [`open`](Self::open) lets them through.
    pub const fn gated() -> Self {
        Probe::with_permits(0)
    }

    /// A probe whose runs go straight through.
    pub const fn open_gate() -> Self {
        Probe::with_permits(Semaphore::MAX_PERMITS)
    }

    const fn with_permits(permits: usize) -> Self {
        Probe {
            runs: AtomicUsize::new(0),
            finished: AtomicUsize::new(0),
            cancelled: AtomicUsize::new(0),
            running: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            gate: Semaphore::const_new(permits),
        }
    }

    /// The body of a smoke test: counts the run, waits at the gate, counts how it ended.
    pub async fn run(&'static self) {
        struct Exit(&'static Probe, bool);
        impl Drop for Exit {
            fn drop(&mut self) {
                self.0.running.fetch_sub(1, Ordering::SeqCst);
                let ended = if self.1 {
                    &self.0.finished
                } else {
                    &self.0.cancelled
                };
                ended.fetch_add(1, Ordering::SeqCst);
            }
        }
        self.runs.fetch_add(1, Ordering::SeqCst);
        let running = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(running, Ordering::SeqCst);
        let mut exit = Exit(self, false);
        self.gate
            .acquire()
            .await
            .expect("the gate is never closed")
            .forget();
        exit.1 = true;
    }

    /// Lets `runs` more runs through the gate.
    pub fn open(&self, runs: usize) {
        self.gate.add_permits(runs);
    }

    /// Runs started.
    pub fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }

    /// Runs that passed the gate.
    pub fn finished(&self) -> usize {
        self.finished.load(Ordering::SeqCst)
    }

    /// Runs dropped at the gate.
    pub fn cancelled(&self) -> usize {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// Most runs at the gate at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

/// What a synchronous smoke test records about its runs, and the gate each run blocks its thread
/// at, as a sync test that takes long does: such a run can't be cancelled.
pub struct BlockingProbe {
    runs: AtomicUsize,
    finished: AtomicUsize,
    running: AtomicUsize,
    peak: AtomicUsize,
    permits: Mutex<usize>,
    opened: Condvar,
}

impl BlockingProbe {
    /// A probe whose runs block until [`open`](Self::open) lets them through.
    pub const fn gated() -> Self {
        BlockingProbe {
            runs: AtomicUsize::new(0),
            finished: AtomicUsize::new(0),
            running: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            permits: Mutex::new(0),
            opened: Condvar::new(),
        }
    }

    /// The body of a sync smoke test: counts the run and how many run at once, blocks at the gate.
    pub fn run(&self) {
        self.runs.fetch_add(1, Ordering::SeqCst);
        let running = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(running, Ordering::SeqCst);
        let mut permits = self.permits.lock().unwrap_or_else(PoisonError::into_inner);
        while *permits == 0 {
            permits = self
                .opened
                .wait(permits)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *permits -= 1;
        drop(permits);
        self.running.fetch_sub(1, Ordering::SeqCst);
        self.finished.fetch_add(1, Ordering::SeqCst);
    }

    /// Lets `runs` more runs through the gate.
    pub fn open(&self, runs: usize) {
        *self.permits.lock().unwrap_or_else(PoisonError::into_inner) += runs;
        self.opened.notify_all();
    }

    /// Runs started.
    pub fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }

    /// Runs that passed the gate.
    pub fn finished(&self) -> usize {
        self.finished.load(Ordering::SeqCst)
    }

    /// Most runs at the gate at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

/// Awaits `future`, adding one to `polled` once it has been polled the first time: a request
/// counted there has joined or started its run.
pub async fn counting_first_poll<F: Future>(future: F, polled: &AtomicUsize) -> F::Output {
    let mut future = pin!(future);
    let mut first = true;
    poll_fn(|cx| {
        let poll = future.as_mut().poll(cx);
        if std::mem::take(&mut first) {
            polled.fetch_add(1, Ordering::SeqCst);
        }
        poll
    })
    .await
}

/// `GET {path}?{query}` with an optional `Accept`, answered by `endpoint`.
pub async fn get(
    endpoint: &SmokeEndpoint,
    path: &str,
    query: Option<&str>,
    accept: Option<&'static str>,
) -> Response<String> {
    let mut headers = HeaderMap::new();
    if let Some(accept) = accept {
        headers.insert(http::header::ACCEPT, HeaderValue::from_static(accept));
    }
    endpoint.respond(&Method::GET, path, query, &headers).await
}

/// Waits until `condition` holds; a test that would hang fails after 10 s instead.
pub async fn until(what: &str, condition: impl Fn() -> bool) {
    let waiting = async {
        while !condition() {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .unwrap_or_else(|_| panic!("still waiting after 10 s until {what}"));
}

/// A header's value as text, or `None`.
pub fn header<'a>(response: &'a Response<String>, name: &str) -> Option<&'a str> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().expect("an ASCII header"))
}

/// Serves `router` on an ephemeral port of 127.0.0.1 until the test's runtime ends; returns its
/// origin (`http://127.0.0.1:PORT`).
#[cfg(feature = "axum-08")]
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind an ephemeral port on 127.0.0.1");
    let address = listener.local_addr().expect("the bound address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

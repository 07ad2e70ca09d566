//! Status changes of tiers and groups, and the `on_change` hooks that receive them: each hook
//! on a thread of its own, fed through a bounded queue, so that a hook that is slow, hangs or
//! panics never holds back a run, a response or another hook.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use smoketest::{Status, Tier};

/// Status changes a hook has not taken yet, at most: a hook that hangs holds this many, and
/// later changes are dropped (and counted) until it returns.
pub(crate) const MAX_PENDING_CHANGES: usize = 16;

/// What changed status: a tier or a probe group.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Selection {
    /// `/` (the fast tier) or `/slow/`.
    Tier(Tier),
    /// The probe group of this name.
    Group(String),
}

impl fmt::Display for Selection {
    /// `fast tier`, `slow tier`, `group "ready"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selection::Tier(tier) => write!(f, "{} tier", tier.as_str()),
            Selection::Group(name) => write!(f, "group {name:?}"),
        }
    }
}

/// A change of the status a tier or a group reports — the status code it answers with, 200 for
/// PASS, its failure status for FAIL — after its thresholds
/// ([`Group::fail_after`](crate::Group::fail_after), [`pass_after`](crate::Group::pass_after)):
/// what an [`on_change`](crate::Group::on_change) hook receives. The reports of the runs are
/// never damped: a run's report says FAIL whenever it failed, even while the status it reports
/// is still PASS. A failing run in a group's [startup grace](crate::Group::startup_grace)
/// changes nothing.
///
/// Its `Display` is a log line:
///
/// ```text
/// group "ready" changed from PASS to FAIL (run 0192f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b, started 2024-05-01T12:00:00.123Z): app::smoke::db
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatusChange {
    /// The tier or group.
    pub selection: Selection,
    /// The status it reported before.
    pub from: Status,
    /// The status it reports from this run on (the run's own: a change happens only when a
    /// run's status is reported).
    pub to: Status,
    /// The id of the run that changed it ([`Report::run_id`](smoketest::Report::run_id)).
    pub run_id: String,
    /// When that run started, RFC 3339 ([`Report::started`](smoketest::Report::started)).
    pub time: Option<String>,
    /// The tests that failed or errored in that run, sorted; empty on a change to PASS.
    pub failing: Vec<String>,
}

impl fmt::Display for StatusChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} changed from {} to {} (run {}",
            self.selection, self.from, self.to, self.run_id
        )?;
        if let Some(time) = &self.time {
            write!(f, ", started {time}")?;
        }
        f.write_str(")")?;
        if !self.failing.is_empty() {
            write!(f, ": {}", self.failing.join(", "))?;
        }
        Ok(())
    }
}

/// A hook as configured, shared by the endpoint's clones.
pub(crate) type Hook = Arc<dyn Fn(&StatusChange) + Send + Sync>;

/// A hook and the thread that calls it, started with the first change.
pub(crate) struct Notifier {
    hook: Hook,
    queue: Mutex<Option<SyncSender<Arc<StatusChange>>>>,
    /// Changes dropped because the hook had [`MAX_PENDING_CHANGES`] waiting.
    dropped: AtomicU64,
    warned: AtomicBool,
}

impl fmt::Debug for Notifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notifier")
            .field("dropped", &self.dropped.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Notifier {
    pub(crate) fn new(hook: Hook) -> Self {
        Notifier {
            hook,
            queue: Mutex::new(None),
            dropped: AtomicU64::new(0),
            warned: AtomicBool::new(false),
        }
    }

    /// Hands `change` to the hook's thread without waiting for it; drops it when the hook has
    /// too many waiting already.
    pub(crate) fn notify(&self, change: Arc<StatusChange>) {
        let mut queue = crate::sync::lock(&self.queue);
        if queue.is_none() {
            *queue = self.start();
        }
        let Some(sender) = queue.as_ref() else {
            self.drop_one("its thread could not be started");
            return;
        };
        match sender.try_send(change) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.drop_one("it has not returned (a hook that hangs?)");
            }
            Err(TrySendError::Disconnected(_)) => {
                // Cannot happen: the thread catches the hook's panics and outlives the sender.
                *queue = None;
                self.drop_one("its thread is gone");
            }
        }
    }

    /// How many changes were dropped.
    #[cfg(test)]
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    fn drop_one(&self, why: &str) {
        let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
        if !self.warned.swap(true, Ordering::Relaxed) {
            // No logging dependency: stderr reaches the operator in every deployment. Once per
            // hook, as a hung hook would repeat it for every change.
            eprintln!(
                "warning: smoketest-http: an on_change hook missed a status change ({dropped} so \
                 far): {why}; {MAX_PENDING_CHANGES} changes wait for it at most"
            );
        }
    }

    /// The hook's thread, calling it with each change in turn, its panics caught; it ends when
    /// the endpoint (the sender) is gone.
    fn start(&self) -> Option<SyncSender<Arc<StatusChange>>> {
        let (sender, receiver) = mpsc::sync_channel::<Arc<StatusChange>>(MAX_PENDING_CHANGES);
        let hook = Arc::clone(&self.hook);
        std::thread::Builder::new()
            .name("smoketest-on-change".into())
            .spawn(move || {
                for change in receiver {
                    // A panicking hook misses this change only; the default panic hook has
                    // printed its message.
                    let _ = catch_unwind(AssertUnwindSafe(|| hook(&change)));
                }
            })
            .ok()
            .map(|_| sender)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::mpsc::channel;
    use std::time::Duration;

    fn change(run: usize) -> Arc<StatusChange> {
        Arc::new(StatusChange {
            selection: Selection::Group("ready".into()),
            from: Status::Pass,
            to: Status::Fail,
            run_id: format!("run-{run}"),
            time: Some("2024-05-01T12:00:00.123Z".into()),
            failing: vec!["app::smoke::db".into(), "app::smoke::queue".into()],
        })
    }

    #[test]
    fn a_change_reads_as_a_log_line() {
        assert_eq!(
            change(1).to_string(),
            "group \"ready\" changed from PASS to FAIL (run run-1, started \
             2024-05-01T12:00:00.123Z): app::smoke::db, app::smoke::queue"
        );
        let back = StatusChange {
            selection: Selection::Tier(Tier::Slow),
            from: Status::Fail,
            to: Status::Pass,
            run_id: "r".into(),
            time: None,
            failing: Vec::new(),
        };
        assert_eq!(
            back.to_string(),
            "slow tier changed from FAIL to PASS (run r)"
        );
    }

    #[test]
    fn a_hook_that_hangs_holds_a_bounded_queue_and_later_changes_are_dropped() {
        let (release, hold) = channel::<()>();
        let hold = Mutex::new(hold);
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let notifier = Notifier::new(Arc::new(move |_: &StatusChange| {
            if counted.fetch_add(1, Ordering::SeqCst) == 0 {
                // The first call hangs until the test lets it go.
                let _ = crate::sync::lock(&hold).recv();
            }
        }));
        notifier.notify(change(0));
        while calls.load(Ordering::SeqCst) == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
        for run in 1..=100 {
            // Never blocks, however long the hook hangs.
            notifier.notify(change(run));
        }
        assert_eq!(notifier.dropped(), 100 - MAX_PENDING_CHANGES as u64);
        release.send(()).unwrap();
        while calls.load(Ordering::SeqCst) < 1 + MAX_PENDING_CHANGES {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(calls.load(Ordering::SeqCst), 1 + MAX_PENDING_CHANGES);
    }

    #[test]
    fn a_hook_that_panics_gets_the_next_change_all_the_same() {
        let (seen, received) = channel::<String>();
        let seen = Mutex::new(seen);
        let notifier = Notifier::new(Arc::new(move |change: &StatusChange| {
            let _ = crate::sync::lock(&seen).send(change.run_id.clone());
            panic!("the hook's bug");
        }));
        for run in 0..3 {
            notifier.notify(change(run));
        }
        let ids: Vec<String> = (0..3)
            .map(|_| received.recv_timeout(Duration::from_secs(10)).unwrap())
            .collect();
        assert_eq!(ids, ["run-0", "run-1", "run-2"]);
        assert_eq!(notifier.dropped(), 0);
    }
}

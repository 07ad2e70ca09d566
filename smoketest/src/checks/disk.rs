//! [`disk_free`]: free space under a path, in bytes or as a share of the file system.

#![cfg(unix)]

use std::path::PathBuf;
use std::sync::Arc;

use super::{bytes, cannot_run, check_options};
use crate::check::Check;
use crate::outcome::Failure;
use crate::registry::Body;

/// Checks the space free under `path` for the service's user (`statvfs`'s `f_bavail`: what
/// is left once the blocks reserved for root are set aside) against
/// [`at_least_bytes`](DiskFree::at_least_bytes) and/or
/// [`at_least_percent`](DiskFree::at_least_percent) of the file system's size. Unix only.
///
/// ```
/// use smoketest::{checks, Runner, Tier};
///
/// let report = Runner::new()
///     .filter("disk::")
///     .check("disk::tmp", checks::disk_free(std::env::temp_dir()).at_least_bytes(1))
///     .run(Tier::Fast);
/// assert_eq!(report.tests_passed, 1);
/// ```
pub fn disk_free(path: impl Into<PathBuf>) -> DiskFree {
    DiskFree {
        path: path.into(),
        bytes: None,
        percent: None,
    }
}

/// The check [`disk_free`] makes; its options, then [`Check`]'s.
#[derive(Clone, Debug)]
#[must_use = "a check does nothing until it is given to `Runner::check`"]
pub struct DiskFree {
    path: PathBuf,
    bytes: Option<u64>,
    percent: Option<f64>,
}

impl DiskFree {
    /// At least this many bytes free: `1 << 30` for 1 GiB.
    pub fn at_least_bytes(mut self, bytes: u64) -> Self {
        self.bytes = Some(bytes);
        self
    }

    /// At least this share of the file system free, from 0 to 100.
    pub fn at_least_percent(mut self, percent: f64) -> Self {
        self.percent = Some(percent);
        self
    }

    fn into_check_now(self) -> Check {
        Check::from_body(Body::CheckSync(Arc::new(move || self.check())))
    }

    fn check(&self) -> Result<(), Failure> {
        if self.bytes.is_none() && self.percent.is_none() {
            return Err(cannot_run(
                "no threshold; say how much must be free, e.g. \
                 disk_free(\"/data\").at_least_bytes(1 << 30) or .at_least_percent(10.0)",
            ));
        }
        if let Some(percent) = self.percent
            && !(0.0..=100.0).contains(&percent)
        {
            return Err(cannot_run(format!(
                "at_least_percent({percent}) is not a share of a disk; give 0 to 100, e.g. 10.0"
            )));
        }
        let path = self.path.display();
        let stat = rustix::fs::statvfs(&self.path).map_err(|error| {
            Failure::failed(format!(
                "expected free space under {path}; cannot read it: {}",
                std::io::Error::from(error)
            ))
        })?;
        let free = stat.f_bavail.saturating_mul(stat.f_frsize);
        let size = stat.f_blocks.saturating_mul(stat.f_frsize);
        if let Some(expected) = self.bytes
            && free < expected
        {
            return Err(Failure::failed(format!(
                "{} free under {path}, expected at least {}",
                bytes(free),
                bytes(expected)
            )));
        }
        if let Some(expected) = self.percent {
            let share = if size == 0 {
                0.0
            } else {
                free as f64 * 100.0 / size as f64
            };
            if share < expected {
                return Err(Failure::failed(format!(
                    "{share:.1}% free under {path} ({} of {}), expected at least {expected}%",
                    bytes(free),
                    bytes(size)
                )));
            }
        }
        Ok(())
    }
}

check_options!(DiskFree);

//! [`readable`] and [`writable`]: a file or directory the service needs can be read, or
//! written, by the service's own user.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::check_options;
use crate::check::Check;
use crate::outcome::Failure;
use crate::registry::Body;

/// Checks that `path` can be read: a file is opened and its first byte read, a directory is
/// listed. Anything else (a FIFO, a device) is opened without waiting for a writer.
///
/// ```
/// use smoketest::{checks, Runner, Tier};
///
/// let report = Runner::new()
///     .filter("files::")
///     .check("files::tmp", checks::readable(std::env::temp_dir()))
///     .run(Tier::Fast);
/// assert_eq!(report.tests_passed, 1);
/// ```
pub fn readable(path: impl Into<PathBuf>) -> FileAccess {
    FileAccess {
        path: path.into(),
        write: false,
    }
}

/// Checks that `path` can be written. In a directory, a probe file
/// (`.smoketest-probe-{pid}-{n}`) is created, written and removed; a file is opened for
/// appending, and left as it was.
///
/// ```
/// use smoketest::{checks, Runner, Tier};
///
/// let report = Runner::new()
///     .filter("files::")
///     .check("files::tmp", checks::writable(std::env::temp_dir()))
///     .run(Tier::Fast);
/// assert_eq!(report.tests_passed, 1);
/// ```
pub fn writable(path: impl Into<PathBuf>) -> FileAccess {
    FileAccess {
        path: path.into(),
        write: true,
    }
}

/// The check [`readable`] and [`writable`] make; [`Check`]'s options.
#[derive(Clone, Debug)]
#[must_use = "a check does nothing until it is given to `Runner::check`"]
pub struct FileAccess {
    path: PathBuf,
    write: bool,
}

impl FileAccess {
    fn into_check_now(self) -> Check {
        Check::from_body(Body::CheckSync(Arc::new(move || {
            let result = if self.write {
                write(&self.path)
            } else {
                read(&self.path)
            };
            result.map_err(|seen| {
                Failure::failed(format!(
                    "expected {} to be {}; {seen}",
                    self.path.display(),
                    if self.write { "writable" } else { "readable" },
                ))
            })
        })))
    }
}

check_options!(FileAccess);

/// What kept `path` from being read, in words.
fn read(path: &Path) -> Result<(), String> {
    let metadata = fs::metadata(path).map_err(|error| format!("cannot see it: {error}"))?;
    if metadata.is_dir() {
        let mut entries = fs::read_dir(path).map_err(|error| format!("cannot list it: {error}"))?;
        return match entries.next() {
            Some(Err(error)) => Err(format!("cannot list it: {error}")),
            _ => Ok(()),
        };
    }
    let mut file = open_for_reading(path, metadata.is_file())
        .map_err(|error| format!("cannot open it: {error}"))?;
    match file.read(&mut [0; 1]) {
        Ok(_) => Ok(()),
        // A FIFO without a writer, opened without waiting: open is what was asked.
        Err(error) if error.kind() == ErrorKind::WouldBlock => Ok(()),
        Err(error) => Err(format!("cannot read it: {error}")),
    }
}

#[cfg(unix)]
fn open_for_reading(path: &Path, regular: bool) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = OpenOptions::new();
    options.read(true);
    if !regular {
        // Opening a FIFO waits for a writer; a check must not.
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    options.open(path)
}

#[cfg(not(unix))]
fn open_for_reading(path: &Path, _regular: bool) -> std::io::Result<File> {
    File::open(path)
}

/// What kept `path` from being written, in words.
fn write(path: &Path) -> Result<(), String> {
    let metadata = fs::metadata(path).map_err(|error| format!("cannot see it: {error}"))?;
    if !metadata.is_dir() {
        // Appending without writing leaves the file as it was.
        return OpenOptions::new()
            .append(true)
            .open(path)
            .map(drop)
            .map_err(|error| format!("cannot open it for writing: {error}"));
    }
    static PROBES: AtomicU64 = AtomicU64::new(0);
    let probe = path.join(format!(
        ".smoketest-probe-{}-{}",
        std::process::id(),
        PROBES.fetch_add(1, Ordering::Relaxed)
    ));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|error| format!("cannot create {}: {error}", probe.display()))?;
    let written = std::io::Write::write_all(&mut file, b"smoketest probe\n");
    drop(file);
    let removed = fs::remove_file(&probe);
    written.map_err(|error| format!("cannot write {}: {error}", probe.display()))?;
    removed.map_err(|error| format!("created {} but cannot remove it: {error}", probe.display()))
}

//! [`env_vars`]: environment variables are set and not blank, without ever showing a value.

use std::sync::Arc;

use super::{cannot_run, check_options};
use crate::check::Check;
use crate::outcome::Failure;
use crate::registry::Body;

/// Checks that every variable in `names` is set in the process's environment and not blank
/// (empty or only whitespace). One failure names every variable that is not: `expected
/// environment variables DATABASE_URL, API_TOKEN to be set; not set: API_TOKEN; blank:
/// DATABASE_URL`. Values are never shown: they are often secrets.
///
/// ```
/// use smoketest::{checks, Runner, Tier};
///
/// let report = Runner::new()
///     .filter("config::")
///     .check("config::env", checks::env_vars(["SMOKETEST_DOC_SURELY_UNSET"]))
///     .run(Tier::Fast);
/// assert_eq!(
///     report.tests[0].message.as_deref(),
///     Some("expected environment variable SMOKETEST_DOC_SURELY_UNSET to be set; not set: \
///           SMOKETEST_DOC_SURELY_UNSET"),
/// );
/// ```
pub fn env_vars<I, S>(names: I) -> EnvVars
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    EnvVars {
        names: names.into_iter().map(Into::into).collect(),
    }
}

/// The check [`env_vars`] makes; [`Check`]'s options.
#[derive(Clone, Debug)]
#[must_use = "a check does nothing until it is given to `Runner::check`"]
pub struct EnvVars {
    names: Vec<String>,
}

impl EnvVars {
    fn into_check_now(self) -> Check {
        Check::from_body(Body::CheckSync(Arc::new(move || check(&self.names))))
    }
}

check_options!(EnvVars);

fn check(names: &[String]) -> Result<(), Failure> {
    if names.is_empty() {
        return Err(cannot_run(
            "no variable to check; name them, e.g. env_vars([\"DATABASE_URL\"])",
        ));
    }
    if let Some(bad) = names
        .iter()
        .find(|name| name.is_empty() || name.contains(['=', '\0']))
    {
        return Err(cannot_run(format!(
            "{bad:?} cannot be an environment variable's name (empty, or with `=` or NUL)"
        )));
    }
    let mut unset = Vec::new();
    let mut blank = Vec::new();
    for name in names {
        match std::env::var_os(name) {
            None => unset.push(name.as_str()),
            // Only whether it is blank is looked at: a value that is not UTF-8 is still a value.
            Some(value) if value.to_string_lossy().trim().is_empty() => blank.push(name.as_str()),
            Some(_) => {}
        }
    }
    if unset.is_empty() && blank.is_empty() {
        return Ok(());
    }
    let mut message = format!(
        "expected environment variable{} {} to be set",
        if names.len() == 1 { "" } else { "s" },
        names.join(", ")
    );
    if !unset.is_empty() {
        message.push_str(&format!("; not set: {}", unset.join(", ")));
    }
    if !blank.is_empty() {
        message.push_str(&format!("; blank: {}", blank.join(", ")));
    }
    Err(Failure::failed(message))
}

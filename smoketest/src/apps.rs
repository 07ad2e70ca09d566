//! The app selection of a run: the crate and module paths of `apps`, `skip_apps`,
//! `SMOKETEST_APPS` and `--apps`, and the comma-separated lists they come in.

/// Splits a comma-separated list, as `--apps`, `SMOKETEST_APPS` and `SMOKETEST_TAGS` take.
pub(crate) fn split_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|app| !app.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether `name` lies under the crate or module path `prefix`, segment-wise: `app` selects
/// `app::smoke::x` but not `application::x`. Cargo package names work too: `my-app` is `my_app`.
pub(crate) fn under_path(name: &str, prefix: &str) -> bool {
    name == prefix
        || name
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with("::"))
}

/// An app prefix as [`under_path`] compares it, normalised once when it is set rather than for
/// every test of every run: no trailing `::`, and a Cargo package name's `-` as the crate's `_`.
pub(crate) fn app_path(prefix: impl Into<String>) -> String {
    let prefix: String = prefix.into();
    prefix.trim_end_matches("::").replace('-', "_")
}

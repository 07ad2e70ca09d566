//! Reports that leave the process through the command line never show credentials: text,
//! JSON, verbose text and the JUnit file are redacted like the HTTP answers.

use std::process::Command;

const SECRETS: &str = env!("CARGO_BIN_EXE_secrets-cli");
const LEAKS: [&str; 3] = ["hunter2", "abc123", "s3cr3t-t0ken"];

fn run(args: &[&str]) -> String {
    let output = Command::new(SECRETS)
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("the fixture binary runs");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

fn assert_no_leak(what: &str, text: &str) {
    for secret in LEAKS {
        assert!(!text.contains(secret), "{what} shows {secret:?}:\n{text}");
    }
}

#[test]
fn the_text_report_shows_failures_with_credentials_hidden() {
    let text = run(&[]);
    assert_no_leak("text", &text);
    // The seven lines, the run id and a blank line, then the failures.
    let lines: Vec<&str> = text.lines().skip(9).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with(
        "fixture_secrets::smoke::payment_api_answers failed: GET \
         https://api.example/charge?token=*** answered 401: `false` is not true (at "
    ));
    // A `password=` value runs to the next space, `&`, `;` or `,`: the `)` that followed it
    // goes too, since a password may contain one.
    assert!(lines[1].starts_with(
        "fixture_secrets::smoke::database_is_reachable errored: cannot connect to \
         postgres://app:***@db.internal:5432/app (password=*** (at "
    ));
    // A header's value runs to the end of the line; the scheme stays.
    assert!(lines[2].starts_with(
        "fixture_secrets::smoke::panics_with_a_secret errored: panicked: Authorization: Bearer \
         *** (at "
    ));
}

#[test]
fn json_verbose_and_junit_are_redacted_too() {
    assert_no_leak("JSON", &run(&["--json"]));
    assert_no_leak("verbose text", &run(&["--verbose"]));
    let path = std::env::temp_dir().join(format!("smoketest-redaction-{}.xml", std::process::id()));
    run(&["--junit", path.to_str().unwrap()]);
    let xml = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_no_leak("JUnit XML", &xml);
    assert!(
        xml.contains("postgres://app:***@db.internal:5432/app"),
        "{xml}"
    );
}

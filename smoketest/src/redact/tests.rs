use std::time::{Duration, Instant};

use super::*;
use crate::outcome::Outcome;
use crate::tier::Tier;

/// The rows of the table in [`redact_credentials`]'s documentation: `(form, input, output)`.
/// Read from the source, so the documentation and this test can't disagree.
fn documented_forms() -> Vec<(String, String, String)> {
    fn code(cell: &str) -> String {
        let cell = cell.trim();
        let inner = cell
            .strip_prefix("``")
            .and_then(|cell| cell.strip_suffix("``"))
            .or_else(|| {
                cell.strip_prefix('`')
                    .and_then(|cell| cell.strip_suffix('`'))
            })
            .unwrap_or_else(|| panic!("not a code span: {cell}"));
        inner.to_owned()
    }
    include_str!("../redact.rs")
        .lines()
        .map(str::trim_start)
        .skip_while(|line| *line != "/// | form | input | output |")
        .skip(2)
        .map_while(|line| line.strip_prefix("/// | ")?.strip_suffix(" |"))
        .map(|row| {
            let cells: Vec<&str> = row.split(" | ").collect();
            assert_eq!(cells.len(), 3, "{row}");
            (cells[0].to_owned(), code(cells[1]), code(cells[2]))
        })
        .collect()
}

#[test]
fn every_documented_form_is_redacted_as_documented() {
    let forms = documented_forms();
    assert!(forms.len() >= 25, "{forms:?}");
    for (form, input, output) in forms {
        assert_eq!(redact_credentials(&input), output, "{form}: {input}");
    }
}

#[test]
fn passwords_in_urls_and_key_value_pairs_are_hidden() {
    assert_eq!(
        redact_credentials("error connecting to mysql://root:pa:ss@10.0.0.1/db?x=1: refused"),
        "error connecting to mysql://root:***@10.0.0.1/db?x=1: refused"
    );
    assert_eq!(
        redact_credentials("no credentials here"),
        "no credentials here"
    );
    assert_eq!(
        redact_credentials("dsn: host=db PASSWORD=s3cret;Token=abc"),
        "dsn: host=db PASSWORD=***;Token=***"
    );
    assert_eq!(
        redact_credentials("two: redis://:pw@a/ and https://u:p@b/x"),
        "two: redis://:***@a/ and https://u:***@b/x"
    );
    // A user name alone is kept; an empty password has nothing to hide.
    assert_eq!(
        redact_credentials("https://ghp_user@github.com/ x://u:@h"),
        "https://ghp_user@github.com/ x://u:@h"
    );
    assert_eq!(
        redact_credentials(r#"{"dsn": "host=db password=pw)x"}"#),
        r#"{"dsn": "host=db password=***"}"#
    );
}

#[test]
fn header_and_yaml_values_end_at_the_end_of_the_line() {
    assert_eq!(
        redact_credentials("X-Api-Key: abc def\nX-Other: 1"),
        "X-Api-Key: ***\nX-Other: 1"
    );
    assert_eq!(
        redact_credentials("cookie: a=1\r\nset-cookie:\tb=2\u{2028}x"),
        "cookie: ***\r\nset-cookie:\t***\u{2028}x"
    );
    assert_eq!(
        redact_credentials("db:\n  password: \"p w\" # prod\n  user: app"),
        "db:\n  password: \"***\" # prod\n  user: app"
    );
    // An unclosed quote hides up to the end of the line.
    assert_eq!(
        redact_credentials("password='abc def\nnext"),
        "password='***\nnext"
    );
    // Nothing to hide, nothing hidden.
    assert_eq!(
        redact_credentials("password: \npassword=&token=\"\""),
        "password: \npassword=&token=\"\""
    );
}

#[test]
fn authorization_values_are_hidden_and_their_scheme_kept() {
    assert_eq!(
        redact_credentials("Authorization: Bearer abc.def-ghi"),
        "Authorization: Bearer ***"
    );
    assert_eq!(
        redact_credentials("Proxy-Authorization: basic dTpw\nnext"),
        "Proxy-Authorization: basic ***\nnext"
    );
    assert_eq!(
        redact_credentials("authorization=s3cr3t next"),
        "authorization=*** next"
    );
    assert_eq!(
        redact_credentials("authorization=Bearer abc next"),
        "authorization=Bearer *** next"
    );
    assert_eq!(
        redact_credentials("Bearer eyJ0_eXAi.eyJz-dWIi.c2ln=="),
        "Bearer ***"
    );
    // As the CLI fixture panics: the rest of the line goes with the credential.
    assert_eq!(
        redact_credentials("panicked: Authorization: Bearer s3cr3t-t0ken was refused"),
        "panicked: Authorization: Bearer ***"
    );
    // The word alone, without `:` or `=`, is no header.
    assert_eq!(
        redact_credentials("authorization failed for user app"),
        "authorization failed for user app"
    );
}

#[test]
fn values_are_cut_on_characters_not_bytes() {
    assert_eq!(
        redact_credentials("é password=é€ 𝄞 token: ü\u{2029}ok"),
        "é password=*** 𝄞 token: ***\u{2029}ok"
    );
}

#[test]
fn a_redactor_hides_secrets_keys_and_patterns_too() {
    let redactor = Redactor::new()
        .secret("key-1")
        .secret("key-1-long")
        .secret("")
        .key("Tenant-Id")
        .pattern(r"sk_[a-z0-9]+")
        .unwrap();
    assert_eq!(
        redactor.redact("key-1-long, key-1, TENANT_ID=x sk_abc9 token=t"),
        "***, ***, TENANT_ID=*** *** token=***"
    );
    assert_eq!(
        redactor.redact("x-tenant-id: a b\n{\"tenant_id\":\"c\"}"),
        "x-tenant-id: ***\n{\"tenant_id\":\"***\"}"
    );
    assert_eq!(redactor.redact(""), "");
    let shown = format!("{redactor:?}");
    assert!(!shown.contains("key-1"), "{shown}");
    assert_eq!(
        Redactor::new().pattern("(").unwrap_err().message(),
        "invalid redaction pattern `(`: ".to_owned() + &Regex::new("(").unwrap_err().to_string()
    );
}

#[test]
fn secrets_added_after_a_redaction_are_hidden_too() {
    let redactor = Redactor::new().secret("abc");
    assert_eq!(redactor.redact("abc abcd"), "*** ***d");
    let redactor = redactor.secret("abcd");
    assert_eq!(redactor.redact("abc abcd"), "*** ***");
}

/// Linear, not quadratic: at 100 000 pairs a quadratic pass takes a minute; this one takes
/// milliseconds even unoptimized. The bound leaves room for a busy machine.
#[test]
fn a_hundred_thousand_secrets_are_redacted_in_linear_time() {
    let message = "a token=x ".repeat(100_000);
    let redactor = Redactor::new().secret("x").key("a");
    let started = Instant::now();
    let redacted = redact_credentials(&message);
    let by_redactor = redactor.redact(&message);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(redacted, "a token=*** ".repeat(100_000));
    assert_eq!(by_redactor, redacted);
}

#[test]
fn a_redacted_report_hides_messages_backtraces_and_output() {
    let test = TestReport {
        name: "app::smoke::token=name".into(),
        suite: "app::smoke".into(),
        outcome: Outcome::Failed,
        time: 1.0,
        message: Some("postgres://u:secret@h/db token=abc".into()),
        location: Some("src/smoke.rs:3".into()),
        slow: false,
        rolled_back: false,
        attempts: 1,
        tags: Vec::new(),
        owner: None,
        runbook: None,
        backtrace: Some("at connect: password=pw".into()),
        output: vec!["INFO connecting to https://app:pw@api/".into()],
    };
    let report = Report::new(Tier::Fast, vec![test], Duration::ZERO).redacted(&Redactor::new());
    let test = &report.tests[0];
    assert_eq!(
        test.message.as_deref(),
        Some("postgres://u:***@h/db token=***")
    );
    assert_eq!(test.backtrace.as_deref(), Some("at connect: password=***"));
    assert_eq!(test.location.as_deref(), Some("src/smoke.rs:3"));
    assert_eq!(test.output, ["INFO connecting to https://app:***@api/"]);
    // Names are code, not free text: kept, in the test and in the lists.
    assert_eq!(test.name, "app::smoke::token=name");
    assert_eq!(report.failed_tests, ["app::smoke::token=name"]);
}

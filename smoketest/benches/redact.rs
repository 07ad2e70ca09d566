//! Cost of redacting 1 MB of message holding 100 000 secrets — as `key=value` pairs, as 20
//! configured secrets — or 40 000 quoted, JSON, header and URL values, against the same size
//! with no secret.
//!
//! `cargo bench -p smoketest --bench redact`

#![allow(missing_docs)]

use smoketest::{Redactor, redact_credentials};

const SIZE: usize = 1_000_000;
const SECRETS: usize = 100_000;

fn main() {
    divan::main();
}

const PROSE: &str = "the deploy of service alpha checked its database and queue before ";

/// `count` pieces from `pieces` in turn, each after prose ending with a space, padded with prose
/// to `SIZE` bytes.
fn message(pieces: &[&str], count: usize) -> String {
    let piece_bytes: usize = (0..count).map(|i| pieces[i % pieces.len()].len()).sum();
    let gap = (SIZE.saturating_sub(piece_bytes) / count).clamp(1, PROSE.len());
    let mut message = String::with_capacity(SIZE + PROSE.len());
    for i in 0..count {
        message.push_str(&PROSE[..gap - 1]);
        message.push(' ');
        message.push_str(pieces[i % pieces.len()]);
    }
    while message.len() < SIZE {
        message.push_str(&PROSE[..PROSE.len().min(SIZE - message.len())]);
    }
    message
}

/// 100 000 pairs in 1 MB: 10 bytes each, with their space.
fn key_values() -> String {
    message(&["token=x", "pwd=ab;", "secret=1&", "apikey=x,"], SECRETS)
}

/// 40 000 quoted, JSON, header and URL values in 1 MB (they are longer than a pair).
fn quoted_and_json() -> String {
    message(
        &[
            r#"{"password":"x y","user":"a"}"#,
            "secret='s3 cret'",
            "\nX-Api-Key: abc def\n",
            "https://u:p%40ss@h/",
        ],
        40_000,
    )
}

/// 20 configured secrets, 100 000 occurrences in 1 MB.
fn configured() -> (Redactor, String) {
    let secrets: Vec<String> = (0..20).map(|i| format!("cfgsec-{i:02}")).collect();
    let redactor = secrets
        .iter()
        .fold(Redactor::new(), |redactor, secret| redactor.secret(secret));
    let pieces: Vec<&str> = secrets.iter().map(String::as_str).collect();
    (redactor, message(&pieces, SECRETS))
}

#[divan::bench]
fn no_secret_1mb(bencher: divan::Bencher<'_, '_>) {
    let text = message(&["and"], SECRETS);
    assert_eq!(redact_credentials(&text), text);
    bencher.bench_local(|| redact_credentials(divan::black_box(&text)));
}

#[divan::bench]
fn key_values_1mb_100k_secrets(bencher: divan::Bencher<'_, '_>) {
    let text = key_values();
    assert_eq!(text.len(), SIZE);
    assert_eq!(redact_credentials(&text).matches("***").count(), SECRETS);
    bencher.bench_local(|| redact_credentials(divan::black_box(&text)));
}

#[divan::bench]
fn quoted_json_headers_urls_1mb_40k_secrets(bencher: divan::Bencher<'_, '_>) {
    let text = quoted_and_json();
    assert_eq!(text.len(), SIZE);
    assert_eq!(redact_credentials(&text).matches("***").count(), 40_000);
    bencher.bench_local(|| redact_credentials(divan::black_box(&text)));
}

#[divan::bench]
fn configured_20_secrets_1mb_100k_occurrences(bencher: divan::Bencher<'_, '_>) {
    let (redactor, text) = configured();
    assert_eq!(text.len(), SIZE);
    assert_eq!(redactor.redact(&text).matches("***").count(), SECRETS);
    bencher.bench_local(|| redactor.redact(divan::black_box(&text)));
}

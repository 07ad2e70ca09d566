//! The gate over HTTPS with a private CA: real smoketest endpoints (axum + `smoketest_http`)
//! served through tokio-rustls on 127.0.0.1 with certificates signed by a CA made here with
//! rcgen, polled by the real `smoketest-gate` binary with and without `--ca-cert`; and the
//! `--ca-cert` files it refuses at start-up.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use smoketest::Runner;

use support::tls::{Ca, in_days, smoke_tls};
use support::{cells, counted, gate, is_run_id, is_time, scratch, stderr, stdout};

fn passing() -> Runner {
    Runner::new()
        .check("billing::ledger_opens", || ())
        .check("billing::rates_loaded", || ())
}

/// The gate's flags for a run that ends within a second.
const QUICK: [&str; 4] = ["--deadline", "1s", "--interval", "200ms"];

fn quick<'a>(more: &[&'a str]) -> Vec<&'a str> {
    let mut args = QUICK.to_vec();
    args.extend_from_slice(more);
    args
}

fn path(path: &std::path::Path) -> &str {
    path.to_str().expect("a UTF-8 scratch path")
}

/// The table of one UNREACHABLE instance, as the gate prints it.
fn unreachable(url: &str, detail: &str) -> String {
    let width = url.len();
    format!(
        "{:width$}  STATUS       TESTS  TIME  RUN ID  DETAIL\n\
         {url}  UNREACHABLE  -      -     -       {detail}\n",
        "INSTANCE"
    )
}

#[test]
fn an_endpoint_behind_a_private_ca_passes_with_its_ca_cert() {
    let ca = Ca::new("Example Corp internal CA");
    let (url, handshakes) = smoke_tls(passing(), &ca, in_days(90));
    let ca_pem = ca.pem_file("private-ca.pem");
    let output = gate(&quick(&["--ca-cert", path(&ca_pem), &url]), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let table = cells(&stdout(&output));
    assert_eq!(table.len(), 2, "{table:?}");
    let [instance, status, tests, time, run_id, detail] = &table[1][..] else {
        panic!("six cells: {table:?}");
    };
    assert!(is_time(time), "{time}");
    assert!(is_run_id(run_id), "{run_id}");
    assert_eq!(
        stdout(&output),
        format!(
            "{:w$}  STATUS  TESTS  {:t$}  {:36}  DETAIL\n\
             {instance}  {status}    {tests}    {time}  {run_id}  {detail}\n",
            "INSTANCE",
            "TIME",
            "RUN ID",
            w = url.len(),
            t = time.len().max(4),
        )
    );
    assert_eq!(
        [instance, status, tests, detail],
        [&url, "PASS", "2/2", "-"]
    );
    // Asked once, over one TLS connection.
    assert_eq!(*handshakes.completed.lock().unwrap(), 1);
    assert_eq!(*handshakes.failed.lock().unwrap(), Vec::<String>::new());

    // Repeated: the certificates of every file are trusted, a wrong CA's beside the right one.
    let other = Ca::new("Some other CA").pem_file("other-ca-first.pem");
    let output = gate(
        &quick(&["--ca-cert", path(&other), "--ca-cert", path(&ca_pem), &url]),
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(cells(&stdout(&output))[1][1], "PASS");
    // The system's bundle given too, to trust its CAs as well: every one of them is accepted.
    let bundle = std::path::Path::new("/etc/ssl/certs/ca-certificates.crt");
    if bundle.exists() {
        let output = gate(
            &quick(&["--ca-cert", path(bundle), "--ca-cert", path(&ca_pem), &url]),
            &[],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(cells(&stdout(&output))[1][1], "PASS");
    } else {
        eprintln!(
            "*** SKIPPED --ca-cert with the system bundle: {} is missing (Debian: apt-get \
             install -y ca-certificates) ***",
            bundle.display()
        );
    }
}

#[test]
fn a_failing_endpoint_over_tls_fails_the_gate_with_its_tests() {
    let ca = Ca::new("Example Corp internal CA");
    let runs = Arc::new(AtomicUsize::new(0));
    let runner = Runner::new()
        .check("billing::ledger_opens", counted(&runs))
        .check("billing::rates_loaded", || -> Result<(), String> {
            Err("no rates for EUR".into())
        });
    let (url, handshakes) = smoke_tls(runner, &ca, in_days(90));
    let ca_pem = ca.pem_file("private-ca-fail.pem");
    let output = gate(&quick(&["--ca-cert", path(&ca_pem), &url]), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let table = cells(&stdout(&output));
    assert_eq!(table.len(), 2, "{table:?}");
    let cells = &table[1];
    assert!(is_time(&cells[3]) && is_run_id(&cells[4]), "{cells:?}");
    assert_eq!(
        [&cells[0], &cells[1], &cells[2], &cells[5]],
        [&url, "FAIL", "1/2", "billing::rates_loaded"]
    );
    assert_eq!(
        stderr(&output),
        "waiting: 0 of 1 instance passes, 1s left\n"
    );
    // Asked again every 200 ms until the 1 s deadline, over the one verified connection kept
    // alive.
    let runs = runs.load(Ordering::SeqCst);
    assert!((2..=6).contains(&runs), "{runs} runs");
    assert_eq!(*handshakes.completed.lock().unwrap(), 1);
    assert_eq!(*handshakes.failed.lock().unwrap(), Vec::<String>::new());
}

#[test]
fn a_certificate_from_a_ca_not_trusted_is_refused_saying_how_to_trust_it() {
    let ca = Ca::new("Example Corp internal CA");
    let (url, handshakes) = smoke_tls(passing(), &ca, in_days(90));

    // The system's store does not hold a CA made a moment ago.
    let output = gate(&quick(&[&url]), &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        unreachable(
            &url,
            "TLS handshake failed: invalid peer certificate: UnknownIssuer; if a private CA \
             signed the certificate, give its certificate with --ca-cert FILE"
        )
    );
    assert_eq!(
        stderr(&output),
        "waiting: 0 of 1 instance passes, 1s left\n"
    );

    // The wrong CA's file: the system's store is not asked instead.
    let wrong = Ca::new("Some other CA").pem_file("other-ca.pem");
    let output = gate(&quick(&["--ca-cert", path(&wrong), &url]), &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        unreachable(
            &url,
            "TLS handshake failed: invalid peer certificate: UnknownIssuer; no --ca-cert file \
             holds the CA that signed the certificate"
        )
    );
    // A CA of the same name with another key (a CA rotated, the old certificate given): the
    // certificate names it as issuer, and its signature does not match.
    let rotated = Ca::new("Example Corp internal CA").pem_file("same-name-other-key.pem");
    let output = gate(&quick(&["--ca-cert", path(&rotated), &url]), &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        unreachable(
            &url,
            "TLS handshake failed: invalid peer certificate: BadSignature"
        )
    );
    // The server saw the gate hang up in every handshake, and never served it.
    assert_eq!(*handshakes.completed.lock().unwrap(), 0);
    let failed = handshakes.failed.lock().unwrap();
    assert!(failed.len() >= 3, "{failed:?}");
    assert!(
        failed.iter().all(|why| why == "tls handshake eof"),
        "{failed:?}"
    );
}

#[test]
fn an_expired_certificate_is_refused_with_its_dates() {
    let ca = Ca::new("Example Corp internal CA");
    let not_after = in_days(-2);
    let (url, handshakes) = smoke_tls(passing(), &ca, not_after);
    let ca_pem = ca.pem_file("private-ca-expired.pem");
    let now = || {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    let before = now();
    let output = gate(&quick(&["--ca-cert", path(&ca_pem), &url]), &[]);
    let after = now();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let table = stdout(&output);
    // The verification time is the gate's clock at the handshake: read it, then check the rest
    // of the line, exactly, against it.
    let prefix = "TLS handshake failed: invalid peer certificate: certificate expired: \
                  verification time ";
    let checked_at: u64 = table
        .lines()
        .nth(1)
        .and_then(|line| line.split_once(prefix))
        .and_then(|(_, rest)| rest.split_once(' '))
        .and_then(|(time, _)| time.parse().ok())
        .unwrap_or_else(|| panic!("no verification time in\n{table}"));
    assert!((before..=after).contains(&checked_at), "{checked_at}");
    let expired_at = u64::try_from(not_after.unix_timestamp()).unwrap();
    assert_eq!(
        table,
        unreachable(
            &url,
            &format!(
                "{prefix}{checked_at} (UNIX), but certificate is not valid after {expired_at} \
                 ({} seconds ago)",
                checked_at - expired_at
            )
        )
    );
    assert_eq!(*handshakes.completed.lock().unwrap(), 0);
}

/// Runs the gate with `args` and returns its exit status, stdout and stderr.
fn usage(args: &[&str]) -> (Option<i32>, String, String) {
    let output = gate(args, &[]);
    (output.status.code(), stdout(&output), stderr(&output))
}

#[test]
fn a_ca_cert_file_it_cannot_use_is_one_line_on_stderr_and_exit_2_before_any_poll() {
    let ca = Ca::new("Example Corp internal CA");
    // An endpoint that would pass: a bad file stops the gate before it is asked.
    let (url, handshakes) = smoke_tls(passing(), &ca, in_days(90));
    let good = ca.pem_file("good-ca.pem");
    let missing = scratch("no-such-ca.pem");
    let directory = scratch("ca-dir");
    std::fs::create_dir_all(&directory).unwrap();
    let der = scratch("ca.der");
    std::fs::write(&der, [0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01, 0x00]).unwrap();
    let text = scratch("ca.txt");
    std::fs::write(&text, "this is not a certificate\n").unwrap();
    let key = scratch("ca-key.pem");
    std::fs::write(&key, rcgen::KeyPair::generate().unwrap().serialize_pem()).unwrap();
    let unterminated = scratch("unterminated.pem");
    std::fs::write(&unterminated, "-----BEGIN CERTIFICATE-----\nMIIB\n").unwrap();
    let bad_base64 = scratch("bad-base64.pem");
    std::fs::write(
        &bad_base64,
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let not_x509 = scratch("not-x509.pem");
    std::fs::write(
        &not_x509,
        "-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let huge = scratch("huge.pem");
    std::fs::write(&huge, vec![b'A'; 4 * 1024 * 1024 + 1]).unwrap();
    let cases: Vec<(&std::path::Path, String)> =
        vec![
        (&missing, "cannot read it (No such file or directory (os error 2))".into()),
        (&directory, "cannot read it (Is a directory (os error 21))".into()),
        (
            &der,
            "no certificate in it (it holds no PEM section); give the CA's certificate in PEM, \
             the text between -----BEGIN CERTIFICATE----- and -----END CERTIFICATE-----"
                .into(),
        ),
        (
            &text,
            "no certificate in it (it holds no PEM section); give the CA's certificate in PEM, \
             the text between -----BEGIN CERTIFICATE----- and -----END CERTIFICATE-----"
                .into(),
        ),
        (
            &key,
            "no certificate in it (it holds a private key); give the CA's certificate in PEM, \
             the text between -----BEGIN CERTIFICATE----- and -----END CERTIFICATE-----"
                .into(),
        ),
        (
            &unterminated,
            "not a PEM file (a PEM section has no end line \"-----END CERTIFICATE-----\"); \
             give the PEM file of the CA"
                .into(),
        ),
        (
            &bad_base64,
            "not a PEM file (a PEM section is not valid base64); give the PEM file of the CA"
                .into(),
        ),
        (
            &not_x509,
            "certificate 1 of 1 is not one a CA can be trusted with (invalid peer certificate: \
             BadEncoding)"
                .into(),
        ),
        (
            &huge,
            "larger than 4 MiB, more than a file of CA certificates; give the PEM file of the CA"
                .into(),
        ),
    ];
    for (file, reason) in cases {
        // Also after a good file: each one is checked.
        for args in [
            vec!["--ca-cert", path(file), &url],
            vec![
                "--ca-cert",
                path(&good),
                &format!("--ca-cert={}", path(file)),
                &url,
            ],
        ] {
            assert_eq!(
                usage(&args),
                (
                    Some(2),
                    String::new(),
                    format!(
                        "error: --ca-cert {}: {reason} (see --help)\n",
                        file.display()
                    )
                ),
                "{args:?}"
            );
        }
    }
    // The file left out: the URL is taken for it, and said to be no file.
    assert_eq!(
        usage(&["--ca-cert", &url, &url]),
        (
            Some(2),
            String::new(),
            format!(
                "error: --ca-cert {url}: cannot read it (No such file or directory (os error \
                 2)) (see --help)\n"
            )
        )
    );
    assert_eq!(
        usage(&[&url, "--ca-cert"]),
        (
            Some(2),
            String::new(),
            "error: --ca-cert needs a value: a PEM file of CA certificates, e.g. company-ca.pem \
             (see --help)\n"
                .into()
        )
    );
    assert_eq!(*handshakes.completed.lock().unwrap(), 0);
    assert_eq!(handshakes.failed.lock().unwrap().len(), 0);
}

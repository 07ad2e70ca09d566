//! The parse of the flags, their errors, and the help's option table against the parser.

use super::*;

fn args(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_owned).collect()
}

fn parse(line: &str) -> Result<Args, UsageError> {
    Args::parse_from(args(line))
}

#[test]
fn every_flag_parses() {
    let parsed = parse(
        "--slow --json -v --failfast --apps a,b --skip-apps=c --filter x --filter y \
         --tag ready --tag=db --exclude app::smoke::x --exclude=app::smoke::y \
         --timeout 2s --concurrency 3 --min-tests 2 --isolate --list --junit=out/report.xml",
    )
    .unwrap();
    let invocation = parsed.invocation.clone();
    assert_eq!(
        parsed,
        Args {
            tier: Tier::Slow,
            json: true,
            verbose: true,
            nagios: false,
            junit: Some(PathBuf::from("out/report.xml")),
            failfast: true,
            apps: Some(vec!["a".into(), "b".into()]),
            skip_apps: Some(vec!["c".into()]),
            filters: vec!["x".into(), "y".into()],
            tags: Some(vec!["ready".into(), "db".into()]),
            excluded: vec!["app::smoke::x".into(), "app::smoke::y".into()],
            timeout: Some(Duration::from_secs(2)),
            concurrency: Some(3),
            min_tests: Some(2),
            isolate: true,
            list: true,
            help: false,
            invocation,
        }
    );
    assert!(parse("-h").unwrap().help);
    assert!(parse("-vh").unwrap().help);
}

#[test]
fn usage_errors_name_the_flag() {
    let error = |line: &str| parse(line).unwrap_err().to_string();
    assert_eq!(
        error("--bogus"),
        "error: unknown flag `--bogus` (see --help)"
    );
    assert_eq!(
        error("--bogus=1"),
        "error: unknown flag `--bogus` (see --help)"
    );
    assert_eq!(error("-x"), "error: unknown flag `-x` (see --help)");
    assert_eq!(
        error("stray"),
        "error: unexpected argument `stray` (see --help)"
    );
    assert_eq!(
        error("--apps"),
        "error: --apps needs a value: a comma-separated list of crate or module paths (see --help)"
    );
    assert_eq!(
        error("--apps ,"),
        "error: --apps needs at least one crate or module path (see --help)"
    );
    assert_eq!(
        error("--skip-apps= ,"),
        "error: --skip-apps needs at least one crate or module path (see --help)"
    );
    assert_eq!(
        error("--concurrency 0"),
        "error: --concurrency \"0\" is not a number of tests, 1 or more (see --help)"
    );
    assert_eq!(
        error("--timeout 0s"),
        "error: --timeout must be greater than zero (see --help)"
    );
    assert_eq!(
        error("--json=yes"),
        "error: --json takes no value (see --help)"
    );
    assert_eq!(
        error("--json="),
        "error: --json takes no value (see --help)"
    );
    assert!(error("--timeout soon").starts_with("error: --timeout \"soon\" is not a duration ("));
    assert_eq!(
        error("--nagios=yes"),
        "error: --nagios takes no value (see --help)"
    );
    assert_eq!(
        error("--junit"),
        "error: --junit needs a value: a file path for the JUnit XML report (see --help)"
    );
    assert_eq!(
        error("--junit="),
        "error: --junit needs a non-empty file path (see --help)"
    );
    assert_eq!(
        error("--json --nagios"),
        "error: --nagios and --json are two output formats: choose one (see --help)"
    );
    assert_eq!(
        error("-- --slow"),
        "error: unexpected argument `--slow` (see --help)"
    );
}

#[test]
fn min_tests_takes_a_number_of_tests_zero_included() {
    assert_eq!(parse("--min-tests 5").unwrap().min_tests, Some(5));
    assert_eq!(parse("--min-tests=1").unwrap().min_tests, Some(1));
    // 0 is no minimum, as `Runner::min_tests(0)`: a script can pass a computed value.
    assert_eq!(parse("--min-tests 0").unwrap().min_tests, Some(0));
    assert_eq!(parse("").unwrap().min_tests, None);
    let error = |line: &str| parse(line).unwrap_err().to_string();
    assert_eq!(
        error("--min-tests x"),
        "error: --min-tests \"x\" is not a number of tests, 0 or more (see --help)"
    );
    assert_eq!(
        error("--min-tests -1"),
        "error: --min-tests \"-1\" is not a number of tests, 0 or more (see --help)"
    );
    assert_eq!(
        error("--min-tests"),
        "error: --min-tests needs a value: a number of tests, 0 or more (see --help)"
    );
    // The last one given wins, as for every flag with one value.
    assert_eq!(
        parse("--min-tests 3 --min-tests 1").unwrap().min_tests,
        Some(1)
    );
}

#[test]
fn tags_add_up_and_take_comma_separated_lists_of_tag_names() {
    assert_eq!(parse("").unwrap().tags, None);
    assert_eq!(
        parse("--tag a --tag b,c --tag=d. --tag a").unwrap().tags,
        Some(vec![
            "a".into(),
            "b".into(),
            "c".into(),
            "d.".into(),
            "a".into()
        ])
    );
    let error = |line: &str| parse(line).unwrap_err().to_string();
    assert_eq!(
        error("--tag"),
        "error: --tag needs a value: a tag name (see --help)"
    );
    assert_eq!(
        error("--tag= ,"),
        "error: --tag needs a tag name (see --help)"
    );
    assert_eq!(
        error("--tag ready,db/main"),
        "error: --tag \"db/main\" is not a tag: tags are made of ASCII letters, digits, `-`, `_` \
         and `.` (see --help)"
    );
    assert_eq!(
        Args::parse_from(["--tag", "ré"]).unwrap_err().to_string(),
        "error: --tag \"ré\" is not a tag: tags are made of ASCII letters, digits, `-`, `_` \
         and `.` (see --help)"
    );
}

#[test]
fn excluded_names_are_kept_as_given() {
    assert_eq!(
        Args::parse_from(["--exclude", "app::smoke::x", "--exclude=a b,c"])
            .unwrap()
            .excluded,
        ["app::smoke::x", "a b,c"]
    );
    assert_eq!(
        parse("--exclude=").unwrap_err().to_string(),
        "error: --exclude needs the full name of a test (see --help)"
    );
}

#[test]
fn a_value_may_look_like_a_flag() {
    assert_eq!(parse("--filter --slow").unwrap().filters, ["--slow"]);
    assert_eq!(parse("--filter=--slow").unwrap().tier, Tier::Fast);
}

#[test]
fn nagios_mode_is_found_even_on_a_malformed_command_line() {
    let requested =
        |line: &str| nagios_requested(&Vec::from_iter(args(line).into_iter().map(OsString::from)));
    assert!(requested("--bogus --nagios"));
    assert!(requested("--apps --nagios"));
    assert!(requested("--nagios=yes"));
    assert!(!requested("--bogus --nagiosx --json"));
    assert!(parse("--nagios").unwrap().nagios);
    assert!(parse("--filter --nagios").unwrap().nagios);
    assert!(parse("--bogus --nagios").unwrap_err().nagios());
    assert!(!parse("--bogus").unwrap_err().nagios());
}

#[test]
fn the_flags_that_take_a_value_are_those_the_help_shows_with_one() {
    // `  --junit PATH  …`: a flag followed by an upper-case placeholder takes a value.
    for line in Args::OPTIONS
        .lines()
        .filter(|line| line.starts_with("  --"))
    {
        let mut words = line.split_whitespace();
        let flag = words.next().unwrap().trim_end_matches(',');
        let placeholder = words.next().unwrap();
        let with_value = placeholder
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == ',');
        assert_eq!(Args::takes_value(flag), with_value, "{line}");
        let alone = parse(flag);
        match with_value {
            true => assert!(
                alone
                    .unwrap_err()
                    .reason()
                    .starts_with(&format!("{flag} needs a value: "))
            ),
            false => assert!(alone.is_ok(), "{flag}"),
        }
    }
}

#[test]
fn the_invocation_is_what_precedes_the_flags_on_the_command_line() {
    // The test harness's own command line: its program name, then its arguments.
    let program = program_name();
    let all: Vec<OsString> = std::env::args_os().skip(1).collect();
    assert_eq!(invocation(&all), program);
    assert_eq!(
        invocation(&[OsString::from("not on the command line --x")]),
        program
    );
    if let Some((last, before)) = all.split_last() {
        let mut expected = vec![program.clone()];
        expected.extend(before.iter().map(|arg| arg.to_string_lossy().into_owned()));
        assert_eq!(invocation(std::slice::from_ref(last)), expected.join(" "));
    }
    let help = Args::default().help();
    assert!(
        help.starts_with(&format!("Usage: {program} [OPTIONS]\n\n")),
        "{help}"
    );
    assert!(help.contains(Args::OPTIONS), "{help}");
}

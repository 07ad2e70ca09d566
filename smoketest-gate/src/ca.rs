//! `--ca-cert`: the CA certificates the gate trusts instead of the system's, read and checked
//! when it starts.

use std::fs::File;
use std::io::Read as _;
use std::path::Path;

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::{self, PemObject as _, SectionKind};
use ureq::tls::Certificate;

/// The most of a `--ca-cert` file the gate reads: a system bundle of every public CA is about
/// 200 KiB, and a path such as `/dev/zero` must not keep the gate reading.
pub(crate) const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The certificates in the PEM file at `path`, each checked to be one rustls can trust; or why
/// not, in words that name the file.
pub(crate) fn load(path: &Path) -> Result<Vec<Certificate<'static>>, String> {
    let at = path.display();
    let mut text = Vec::new();
    File::open(path)
        .and_then(|file| file.take(MAX_FILE_BYTES + 1).read_to_end(&mut text))
        .map_err(|error| format!("--ca-cert {at}: cannot read it ({error})"))?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "--ca-cert {at}: larger than {} MiB, more than a file of CA certificates; give the \
             PEM file of the CA",
            MAX_FILE_BYTES / 1024 / 1024
        ));
    }
    let mut certificates = Vec::new();
    let mut others = Vec::new();
    for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(&text) {
        let (kind, der) = section.map_err(|error| {
            let reason = match error {
                pem::Error::MissingSectionEnd { end_marker } => format!(
                    "a PEM section has no end line \"-----END {}-----\"",
                    String::from_utf8_lossy(&end_marker)
                ),
                pem::Error::IllegalSectionStart { line } => format!(
                    "a PEM section starts with a bad line {:?}",
                    String::from_utf8_lossy(&line)
                ),
                pem::Error::Base64Decode(_) => "a PEM section is not valid base64".to_owned(),
                other => other.to_string(),
            };
            format!("--ca-cert {at}: not a PEM file ({reason}); give the PEM file of the CA")
        })?;
        if kind == SectionKind::Certificate {
            certificates.push(der);
        } else {
            others.push(kind);
        }
    }
    if certificates.is_empty() {
        let found = match others.first() {
            Some(kind) => format!("it holds a {}", name(*kind)),
            None => "it holds no PEM section".to_owned(),
        };
        return Err(format!(
            "--ca-cert {at}: no certificate in it ({found}); give the CA's certificate in PEM, \
             the text between -----BEGIN CERTIFICATE----- and -----END CERTIFICATE-----"
        ));
    }
    // rustls skips a root it cannot parse without a word, which would leave every handshake
    // failing for a reason the table could not name.
    let mut store = RootCertStore::empty();
    for (index, der) in certificates.iter().enumerate() {
        store
            .add(CertificateDer::from(der.as_slice()))
            .map_err(|error| {
                format!(
                    "--ca-cert {at}: certificate {} of {} is not one a CA can be trusted with \
                     ({error})",
                    index + 1,
                    certificates.len()
                )
            })?;
    }
    Ok(certificates
        .iter()
        .map(|der| Certificate::from_der(der).to_owned())
        .collect())
}

/// What a PEM section of another kind is, in the words of its BEGIN line.
fn name(kind: SectionKind) -> &'static str {
    match kind {
        SectionKind::Certificate => "certificate",
        SectionKind::PublicKey => "public key",
        SectionKind::RsaPrivateKey | SectionKind::PrivateKey | SectionKind::EcPrivateKey => {
            "private key"
        }
        SectionKind::Crl => "certificate revocation list",
        SectionKind::Csr => "certificate request",
        SectionKind::EchConfigList => "ECH configuration",
        _ => "PEM section of another kind",
    }
}

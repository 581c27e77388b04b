//! HTTPS with rustls: certificate chain and key from PEM files.
//!
//! werkbank speaks HTTP/1.1 over TLS. actix-web's HTTP/2 would pull in h2 0.3
//! (RUSTSEC-2026-0258), so HTTP/2 is left to a reverse proxy in front (see the README).

use std::sync::Arc;

use anyhow::Context;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::config::TlsFiles;

/// Builds the server's TLS configuration from the PEM files.
pub fn server_config(files: &TlsFiles) -> anyhow::Result<rustls::ServerConfig> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .with_context(|| format!("Zertifikat {} ist nicht lesbar", files.cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("Zertifikat {} ist kein gültiges PEM", files.cert.display()))?;
    anyhow::ensure!(
        !certs.is_empty(),
        "{} enthält kein Zertifikat (erwartet: -----BEGIN CERTIFICATE-----)",
        files.cert.display()
    );
    let key = PrivateKeyDer::from_pem_file(&files.key).with_context(|| {
        format!(
            "Schlüssel {} ist nicht lesbar oder enthält keinen privaten Schlüssel im PEM-Format",
            files.key.display()
        )
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS-Einstellungen")?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("Zertifikat und Schlüssel passen nicht zusammen")?;
    Ok(config)
}

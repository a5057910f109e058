//! TLS inspection: one rustls handshake per host that records the chain and what webpki
//! thinks of it (trust now, name) without aborting, so the negotiated version and the
//! certificate are both known; and a legacy-protocol probe through OpenSSL at security
//! level 0, because rustls cannot speak TLS 1.0/1.1 at all. Both run on tokio, inside an
//! overall timeout: no probe outlives its deadline or holds a thread.

use super::dns::Dns;
use super::guard::Guard;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error as TlsError, RootCertStore, SignatureScheme};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// What webpki concluded about the presented chain for the requested name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    /// The chain is trusted but does not cover the name.
    WrongName(String),
    Expired(String),
    NotYetValid(String),
    Untrusted(String),
}

#[derive(Debug, Clone)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub not_before: chrono::DateTime<chrono::Utc>,
    pub not_after: chrono::DateTime<chrono::Utc>,
    pub dns_names: Vec<String>,
    pub self_signed: bool,
}

#[derive(Debug, Clone)]
pub struct TlsReport {
    pub host: String,
    pub addr: SocketAddr,
    pub version: String,
    pub verdict: Verdict,
    pub leaf: Option<CertInfo>,
}

pub fn root_store(extra_ca_pem: &[Vec<u8>]) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    for pem in extra_ca_pem {
        let mut added = 0;
        for cert in rustls_pki_types::pem::PemObject::pem_slice_iter(pem) {
            let cert: CertificateDer<'static> = cert.map_err(|e| format!("cannot read a CA certificate: {e}"))?;
            roots.add(cert).map_err(|e| format!("cannot use a CA certificate: {e}"))?;
            added += 1;
        }
        if added == 0 {
            return Err("a CA file holds no PEM certificate".into());
        }
    }
    Ok(roots)
}

/// Records what webpki says and lets the handshake finish.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    seen: Mutex<Option<(Vec<CertificateDer<'static>>, Verdict)>>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        let verdict = match self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Ok(_) => Verdict::Valid,
            Err(TlsError::InvalidCertificate(e)) => match e {
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => Verdict::WrongName(format!("{e:?}")),
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => Verdict::Expired(format!("{e:?}")),
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => Verdict::NotYetValid(format!("{e:?}")),
                other => Verdict::Untrusted(format!("{other:?}")),
            },
            Err(other) => Verdict::Untrusted(other.to_string()),
        };
        let mut chain = vec![end_entity.clone().into_owned()];
        chain.extend(intermediates.iter().map(|c| c.clone().into_owned()));
        *self.seen.lock().expect("verifier lock") = Some((chain, verdict));
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

pub struct TlsInspector {
    dns: Dns,
    guard: Guard,
    roots: Arc<RootCertStore>,
    timeout: Duration,
}

impl TlsInspector {
    pub fn new(dns: Dns, guard: Guard, roots: Arc<RootCertStore>, timeout: Duration) -> Self {
        Self { dns, guard, roots, timeout }
    }

    /// The first address of `host` that passes the guard.
    pub async fn address(&self, host: &str, port: u16) -> Result<SocketAddr, String> {
        // An IP literal (a monitor of https://203.0.113.7/) needs no lookup, only the guard.
        if let Ok(ip) = host.trim_matches(['[', ']']).parse::<std::net::IpAddr>() {
            self.guard.check_ip(ip).map_err(|e| e.to_string())?;
            return Ok(SocketAddr::new(ip, port));
        }
        let ips = self.dns.ips(host).await.map_err(|e| e.to_string())?;
        for ip in &ips {
            self.guard.check_ip(*ip).map_err(|e| e.to_string())?;
        }
        ips.first().map(|ip| SocketAddr::new(*ip, port)).ok_or_else(|| format!("{host} has no address"))
    }

    /// Whether `host` takes a TCP connection on `port` within the timeout: the audit's first
    /// question before any HTTPS check. The error reads after a URL: "refused the connection".
    pub async fn connects(&self, host: &str, port: u16) -> Result<(), String> {
        let addr = self.address(host, port).await?;
        match tokio::time::timeout(self.timeout, TcpStream::connect(addr)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => Err(format!("refused the connection ({addr})")),
            Ok(Err(e)) => Err(format!("could not be connected to ({addr}: {e})")),
            Err(_) => Err(format!("did not answer within {} s ({addr})", self.timeout.as_secs())),
        }
    }

    /// A modern handshake (TLS 1.2 and 1.3 offered) with SNI `host`.
    pub async fn inspect(&self, host: &str, port: u16) -> Result<TlsReport, String> {
        let addr = self.address(host, port).await?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let inner = WebPkiServerVerifier::builder_with_provider(self.roots.clone(), provider.clone())
            .build()
            .map_err(|e| format!("cannot build the certificate verifier: {e}"))?;
        let verifier = Arc::new(RecordingVerifier { inner, seen: Mutex::new(None) });
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(verifier.clone())
            .with_no_client_auth();
        let name = ServerName::try_from(host.to_owned()).map_err(|e| format!("{host} is not a valid TLS server name: {e}"))?;
        let handshake = async {
            let tcp = TcpStream::connect(addr).await.map_err(|e| format!("cannot connect to {addr}: {e}"))?;
            TlsConnector::from(Arc::new(config))
                .connect(name, tcp)
                .await
                .map_err(|e| format!("TLS handshake with {host} ({addr}) failed: {e}"))
        };
        let stream =
            tokio::time::timeout(self.timeout, handshake).await.map_err(|_| format!("TLS handshake with {host} ({addr}) timed out"))??;
        let version = match stream.get_ref().1.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_owned(),
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_owned(),
            Some(other) => format!("{other:?}"),
            None => "unknown".to_owned(),
        };
        let (chain, verdict) = verifier.seen.lock().expect("verifier lock").take().ok_or("the server sent no certificate")?;
        let leaf = chain.first().and_then(|der| cert_info(der));
        Ok(TlsReport { host: host.to_owned(), addr, version, verdict, leaf })
    }

    /// Whether the server completes a handshake when only TLS 1.0/1.1 are offered.
    /// Ok(Some(version)) when it does, Ok(None) when it refuses.
    ///
    /// The handshake is OpenSSL's, driven by tokio (tokio-openssl): the whole probe, connect
    /// included, ends at `timeout`, and when the audit's deadline drops it first, the socket
    /// closes with it. (A blocking handshake on a thread had only per-read timeouts; a server
    /// dripping a byte at a time held the thread and the socket for as long as it liked.)
    pub async fn accepts_legacy(&self, host: &str, port: u16) -> Result<Option<String>, String> {
        let addr = self.address(host, port).await?;
        tokio::time::timeout(self.timeout, legacy_handshake(addr, host))
            .await
            .map_err(|_| format!("legacy TLS probe of {host} ({addr}) timed out"))?
    }
}

async fn legacy_handshake(addr: SocketAddr, host: &str) -> Result<Option<String>, String> {
    use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode, SslVersion};
    let mut builder = SslConnector::builder(SslMethod::tls_client()).map_err(|e| e.to_string())?;
    builder.set_min_proto_version(Some(SslVersion::TLS1)).map_err(|e| e.to_string())?;
    builder.set_max_proto_version(Some(SslVersion::TLS1_1)).map_err(|e| e.to_string())?;
    // Level 0 is what lets OpenSSL 3 offer these protocols and their SHA-1 suites at all.
    builder.clear_options(openssl::ssl::SslOptions::NO_TLSV1 | openssl::ssl::SslOptions::NO_TLSV1_1);
    builder.set_security_level(0);
    builder.set_cipher_list("ALL:@SECLEVEL=0").map_err(|e| e.to_string())?;
    builder.set_verify(SslVerifyMode::NONE);
    let mut config = builder.build().configure().map_err(|e| e.to_string())?;
    config.set_verify_hostname(false);
    let ssl = config.into_ssl(host).map_err(|e| e.to_string())?;
    let tcp = TcpStream::connect(addr).await.map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    let mut stream = tokio_openssl::SslStream::new(ssl, tcp).map_err(|e| e.to_string())?;
    match std::pin::Pin::new(&mut stream).connect().await {
        Ok(()) => Ok(Some(stream.ssl().version_str().to_owned())),
        // An alert, a reset or a close during the handshake: the server refused these versions.
        Err(_) => Ok(None),
    }
}

fn cert_info(der: &CertificateDer<'_>) -> Option<CertInfo> {
    use x509_parser::prelude::*;
    let (_, cert) = X509Certificate::from_der(der.as_ref()).ok()?;
    let to_chrono = |t: ASN1Time| chrono::DateTime::from_timestamp(t.timestamp(), 0).unwrap_or_default();
    let mut dns_names = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            if let GeneralName::DNSName(n) = name {
                dns_names.push(n.to_ascii_lowercase());
            }
        }
    }
    Some(CertInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: to_chrono(cert.validity().not_before),
        not_after: to_chrono(cert.validity().not_after),
        dns_names,
        self_signed: cert.subject() == cert.issuer(),
    })
}

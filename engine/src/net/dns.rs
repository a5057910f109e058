//! DNS through hickory-resolver: the system's resolver, or one given as `IP:PORT`. One
//! resolver per audit, so its cache shares answers between checks.

use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ProtocolConfig, ResolveHosts, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::TokioResolver;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DnsError {
    /// NXDOMAIN or an empty answer: the name has no such record.
    #[error("no {record} record for {name}")]
    NoRecords { name: String, record: &'static str },
    #[error("DNS lookup of {name} ({record}) failed: {reason}")]
    Failed {
        name: String,
        record: &'static str,
        reason: String,
        /// The resolver itself gave no answer (a timeout, no connection, an I/O error), as
        /// opposed to answering that the name is broken (SERVFAIL, REFUSED).
        silent: bool,
    },
}

impl DnsError {
    pub fn is_no_records(&self) -> bool {
        matches!(self, Self::NoRecords { .. })
    }

    /// The resolver did not answer at all: nothing was learned about the name.
    pub fn resolver_was_silent(&self) -> bool {
        matches!(self, Self::Failed { silent: true, .. })
    }
}

/// Where DNS questions go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolverChoice {
    System,
    Server(SocketAddr),
}

#[derive(Clone)]
pub struct Dns {
    resolver: TokioResolver,
    choice: ResolverChoice,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mx {
    pub preference: u16,
    pub exchange: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caa {
    pub tag: String,
    pub value: String,
}

impl Dns {
    pub fn new(choice: ResolverChoice, timeout: Duration) -> Result<Self, String> {
        let provider = TokioRuntimeProvider::default();
        let mut builder = match choice {
            ResolverChoice::System => {
                TokioResolver::builder(provider).map_err(|e| format!("cannot read the system resolver configuration: {e}"))?
            }
            ResolverChoice::Server(addr) => {
                let connection = |protocol| {
                    let mut c = ConnectionConfig::new(protocol);
                    c.port = addr.port();
                    c
                };
                let server = NameServerConfig::new(addr.ip(), true, vec![connection(ProtocolConfig::Udp), connection(ProtocolConfig::Tcp)]);
                let mut builder = TokioResolver::builder_with_config(ResolverConfig::from_parts(None, vec![], vec![server]), provider);
                // A given resolver answers for everything; /etc/hosts must not override it.
                builder.options_mut().use_hosts_file = ResolveHosts::Never;
                builder
            }
        };
        let options: &mut ResolverOpts = builder.options_mut();
        options.timeout = timeout;
        options.attempts = 2;
        options.cache_size = 1024;
        // Scans name exact hosts; search domains would turn a typo into someone else's host.
        options.ndots = 0;
        let resolver = builder.build().map_err(|e| format!("cannot start the DNS resolver: {e}"))?;
        Ok(Self { resolver, choice })
    }

    /// Whether the resolver answers at all: asked for the root's nameservers (a recursive
    /// resolver has them cached), any response counts, a refusal or NXDOMAIN too. Asked only
    /// after a lookup went unanswered, to tell a down resolver from a domain whose own
    /// nameservers do not answer.
    pub async fn answers(&self) -> bool {
        match self.resolver.lookup(".", RecordType::NS).await {
            Ok(_) => true,
            Err(e) => e.is_no_records_found() || e.is_nx_domain() || matches!(e, hickory_resolver::net::NetError::Dns(_)),
        }
    }

    /// "127.0.0.1:53" or "the system's resolver", for messages about the resolver itself.
    pub fn describe(&self) -> String {
        match self.choice {
            ResolverChoice::System => "the system's resolver (/etc/resolv.conf)".to_owned(),
            ResolverChoice::Server(addr) => addr.to_string(),
        }
    }

    async fn records(&self, name: &str, rtype: RecordType) -> Result<Vec<RData>, DnsError> {
        let record = rtype_label(rtype);
        let fqdn = if name.ends_with('.') { name.to_owned() } else { format!("{name}.") };
        match self.resolver.lookup(fqdn.as_str(), rtype).await {
            Ok(lookup) => {
                let data: Vec<RData> = lookup.answers().iter().filter(|r| r.record_type() == rtype).map(|r| r.data.clone()).collect();
                if data.is_empty() {
                    Err(DnsError::NoRecords { name: name.to_owned(), record })
                } else {
                    Ok(data)
                }
            }
            Err(e) if e.is_no_records_found() || e.is_nx_domain() => Err(DnsError::NoRecords { name: name.to_owned(), record }),
            Err(e) => {
                use hickory_resolver::net::NetError;
                let silent = matches!(e, NetError::Timeout | NetError::NoConnections | NetError::Io(_) | NetError::Busy);
                Err(DnsError::Failed { name: name.to_owned(), record, reason: e.to_string(), silent })
            }
        }
    }

    /// A and AAAA together; NoRecords only when both are empty.
    pub async fn ips(&self, name: &str) -> Result<Vec<IpAddr>, DnsError> {
        let (v4, v6) = tokio::join!(self.records(name, RecordType::A), self.records(name, RecordType::AAAA));
        let mut out = Vec::new();
        let mut failure = None;
        for result in [v4, v6] {
            match result {
                Ok(data) => out.extend(data.into_iter().filter_map(|d| match d {
                    RData::A(a) => Some(IpAddr::V4(a.0)),
                    RData::AAAA(a) => Some(IpAddr::V6(a.0)),
                    _ => None,
                })),
                Err(e) if e.is_no_records() => {}
                Err(e) => failure = Some(e),
            }
        }
        match (out.is_empty(), failure) {
            (false, _) => Ok(out),
            (true, Some(e)) => Err(e),
            (true, None) => Err(DnsError::NoRecords { name: name.to_owned(), record: "A/AAAA" }),
        }
    }

    /// Each TXT record with its character strings joined, as RFC 7208 §3.3 asks.
    pub async fn txt(&self, name: &str) -> Result<Vec<String>, DnsError> {
        Ok(self
            .records(name, RecordType::TXT)
            .await?
            .into_iter()
            .filter_map(|d| match d {
                RData::TXT(txt) => Some(txt.txt_data.iter().map(|part| String::from_utf8_lossy(part).into_owned()).collect::<String>()),
                _ => None,
            })
            .collect())
    }

    pub async fn mx(&self, name: &str) -> Result<Vec<Mx>, DnsError> {
        Ok(self
            .records(name, RecordType::MX)
            .await?
            .into_iter()
            .filter_map(|d| match d {
                RData::MX(mx) => Some(Mx { preference: mx.preference, exchange: mx.exchange.to_ascii().trim_end_matches('.').to_owned() }),
                _ => None,
            })
            .collect())
    }

    /// The CNAME target of `name`, if `name` is an alias.
    pub async fn cname(&self, name: &str) -> Result<Option<String>, DnsError> {
        match self.records(name, RecordType::CNAME).await {
            Ok(data) => Ok(data.into_iter().find_map(|d| match d {
                RData::CNAME(c) => Some(c.0.to_ascii().trim_end_matches('.').to_owned()),
                _ => None,
            })),
            Err(e) if e.is_no_records() => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn ns(&self, name: &str) -> Result<Vec<String>, DnsError> {
        Ok(self
            .records(name, RecordType::NS)
            .await?
            .into_iter()
            .filter_map(|d| match d {
                RData::NS(ns) => Some(ns.0.to_ascii().trim_end_matches('.').to_owned()),
                _ => None,
            })
            .collect())
    }

    pub async fn caa(&self, name: &str) -> Result<Vec<Caa>, DnsError> {
        Ok(self
            .records(name, RecordType::CAA)
            .await?
            .into_iter()
            .filter_map(|d| match d {
                RData::CAA(caa) => Some(Caa { tag: caa.tag.to_string(), value: String::from_utf8_lossy(&caa.value).into_owned() }),
                _ => None,
            })
            .collect())
    }
}

fn rtype_label(rtype: RecordType) -> &'static str {
    match rtype {
        RecordType::A => "A",
        RecordType::AAAA => "AAAA",
        RecordType::TXT => "TXT",
        RecordType::MX => "MX",
        RecordType::CNAME => "CNAME",
        RecordType::NS => "NS",
        RecordType::CAA => "CAA",
        _ => "DNS",
    }
}

//! Nothing a tenant reads maps the network the scanner runs in: a DNS monitor shows only
//! public addresses, and a refused target names the kind of address, not the address.

use domain::monitor::MonitorKind;
use platform::ids::{MonitorId, OrgId};
use platform::monitors::MonitorTarget;
use std::time::Duration;
use testkit::internet::dns::{rec, DnsServer};
use worker::monitor::probe::Prober;
use worker::settings::ScannerSettings;

fn target(kind: MonitorKind, target: &str) -> MonitorTarget {
    MonitorTarget {
        id: MonitorId::new_random(),
        org_id: OrgId::new_random(),
        kind,
        target: target.to_owned(),
        expected_status: None,
        keyword: None,
        latency_threshold_ms: None,
    }
}

#[tokio::test]
async fn monitors_never_echo_private_addresses() {
    // Only DNS answers: no connection goes to any of these addresses.
    let dns = DnsServer::start(&[
        rec("mixed.test", "A", "192.0.9.9"),
        rec("mixed.test", "A", "10.20.30.40"),
        rec("inside.test", "A", "172.16.5.6"),
        rec("metadata.test", "A", "168.63.129.16"),
    ])
    .await;
    let settings = ScannerSettings { resolver: engine::net::dns::ResolverChoice::Server(dns.addr), ..ScannerSettings::default() };
    let prober = Prober::new(&settings, Duration::from_secs(3)).unwrap();

    let mixed = prober.check(&target(MonitorKind::Dns, "mixed.test")).await;
    assert!(mixed.ok, "{mixed:?}");
    assert!(mixed.message.contains("192.0.9.9") && mixed.message.contains("1 non-public address (not shown)"), "{}", mixed.message);
    assert!(!mixed.message.contains("10.20.30.40"), "{}", mixed.message);
    let inside = prober.check(&target(MonitorKind::Dns, "inside.test")).await;
    assert!(!inside.message.contains("172.16"), "{}", inside.message);

    for (kind, url) in
        [(MonitorKind::Http, "http://inside.test/"), (MonitorKind::Http, "http://metadata.test/"), (MonitorKind::TlsExpiry, "inside.test")]
    {
        let refused = prober.check(&target(kind, url)).await;
        assert!(!refused.ok);
        assert!(refused.message.contains("refused"), "{url}: {}", refused.message);
        assert!(!refused.message.contains("172.16") && !refused.message.contains("168.63"), "{url}: {}", refused.message);
    }
}

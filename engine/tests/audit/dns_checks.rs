//! dns.*: each check passes on the clean site (see clean.rs) and fails on its defect here.

use crate::fixture::{audit, expect, site::Site, site::Www};
use engine::Status;

#[tokio::test]
async fn clean_dns_passes() {
    let card = audit(Site::clean("dns-ok"), false).await;
    for id in ["dns.apex.resolves", "dns.www.resolves", "dns.subdomains.resolve", "dns.cname.dangling", "dns.caa", "dns.edge.proxy"] {
        expect(&card, id, Status::Pass);
    }
}

#[tokio::test]
async fn apex_without_address_fails_and_holds() {
    let card = audit(Site::clean("dns-noapex").drop_dns("dns-noapex.test", "A"), false).await;
    expect(&card, "dns.apex.resolves", Status::Fail);
    assert_eq!(card.decision, engine::Decision::Hold);
}

#[tokio::test]
async fn missing_www_fails_unless_declared_absent() {
    let mut site = Site::clean("dns-nowww");
    site.www = Www::Missing;
    let internet = crate::fixture::Internet::start(std::slice::from_ref(&site), &[]).await;
    let mut target = crate::fixture::target_for(&site);
    target.www = true;
    let card = engine::run_audit(target.clone(), internet.options(), &|_| {}).await.unwrap();
    expect(&card, "dns.www.resolves", Status::Fail);
    target.www = false;
    let card = engine::run_audit(target, internet.options(), &|_| {}).await.unwrap();
    expect(&card, "dns.www.resolves", Status::Skipped);
}

#[tokio::test]
async fn declared_host_that_does_not_resolve_fails() {
    let mut site = Site::clean("dns-nosub");
    site.dns_drop.push(("app.dns-nosub.test".into(), "A"));
    let card = audit(site, false).await;
    expect(&card, "dns.subdomains.resolve", Status::Fail);
}

#[tokio::test]
async fn dangling_cname_fails() {
    let mut site = Site::clean("dns-dangle");
    site.dns_drop.push(("app.dns-dangle.test".into(), "A"));
    let site = site.dns("app.dns-dangle.test", "CNAME", "gone-app.herokudns-fixture.test");
    let card = audit(site, false).await;
    expect(&card, "dns.cname.dangling", Status::Fail);
}

#[tokio::test]
async fn live_cname_passes() {
    let mut site = Site::clean("dns-alias");
    site.dns_drop.push(("app.dns-alias.test".into(), "A"));
    let site = site.dns("app.dns-alias.test", "CNAME", "dns-alias.test");
    let card = audit(site, false).await;
    expect(&card, "dns.cname.dangling", Status::Pass);
}

#[tokio::test]
async fn missing_caa_fails() {
    let card = audit(Site::clean("dns-nocaa").drop_dns("dns-nocaa.test", "CAA"), false).await;
    expect(&card, "dns.caa", Status::Fail);
}

#[tokio::test]
async fn origin_without_edge_fails() {
    let site = Site::clean("dns-noedge").remove_header("cf-ray").set_header("server", "launchready-fixture");
    let card = audit(site, false).await;
    expect(&card, "dns.edge.proxy", Status::Fail);
}

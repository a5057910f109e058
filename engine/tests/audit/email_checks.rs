//! email.*: each check passes on the clean site and fails (or warns) on its defect here.
//! Defects are DNS records replaced, added or dropped, or the MTA-STS policy file replaced.

use crate::fixture::dns::rec;
use crate::fixture::site::{Fixed, Site};
use crate::fixture::{audit, expect, target_for, Internet, DKIM_1024};
use base64::Engine as _;
use engine::{Scorecard, Status, Target};

const EMAIL_CHECKS: [&str; 10] = [
    "email.mx",
    "email.spf.present",
    "email.spf.valid",
    "email.spf.policy",
    "email.dkim",
    "email.dmarc.present",
    "email.dmarc.policy",
    "email.dmarc.reporting",
    "email.mta_sts",
    "email.tls_rpt",
];

fn apex(label: &str) -> String {
    format!("{label}.test")
}

/// A site whose SPF record at the apex is `spf` (with `{a}` standing for the apex).
fn with_spf(label: &str, spf: &str) -> Site {
    let a = apex(label);
    Site::clean(label).dns(&a, "TXT", &spf.replace("{a}", &a))
}

/// Audits `site` with the target adjusted first (e.g. other DKIM selectors).
async fn audit_target(site: Site, adjust: impl FnOnce(&mut Target)) -> Scorecard {
    let internet = Internet::start(std::slice::from_ref(&site), &[]).await;
    let mut target = target_for(&site);
    adjust(&mut target);
    engine::run_audit(target, internet.options(), &|_| {}).await.expect("audit runs")
}

fn summary<'a>(card: &'a Scorecard, id: &str) -> &'a str {
    &card.checks.iter().find(|f| f.id == id).expect("finding").summary
}

fn evidence(card: &Scorecard, id: &str) -> String {
    card.checks.iter().find(|f| f.id == id).expect("finding").evidence.join("\n")
}

fn rsa_b64(bits: u32) -> String {
    let rsa = openssl::rsa::Rsa::generate(bits).unwrap();
    base64::engine::general_purpose::STANDARD.encode(rsa.public_key_to_der().unwrap())
}

#[tokio::test]
async fn email_clean_site_passes_every_email_check() {
    let card = audit(Site::clean("email-ok"), false).await;
    for id in EMAIL_CHECKS {
        expect(&card, id, Status::Pass);
    }
    let spf = evidence(&card, "email.spf.valid");
    assert!(spf.contains("DNS-querying terms: 3 of 10; void lookups: 0 of 2"), "{spf}");
    assert!(spf.contains("include:_spf.email-ok.test"), "the include tree is shown: {spf}");
    let dkim = evidence(&card, "email.dkim");
    assert!(dkim.contains("sel1._domainkey.email-ok.test: RSA 2048 bits"), "{dkim}");
    assert!(!dkim.contains(DKIM_1024.as_str()) && dkim.len() < 400, "the key itself is shortened: {dkim}");
}

// email.mx

#[tokio::test]
async fn email_missing_mx_fails() {
    let card = audit(Site::clean("email-nomx").drop_dns("email-nomx.test", "MX"), false).await;
    expect(&card, "email.mx", Status::Fail);
}

#[tokio::test]
async fn email_a_domain_that_takes_no_mail_is_not_asked_to_protect_it() {
    // The parked-domain set-up: null MX, SPF -all, DMARC reject, and nothing else.
    let site = Site::clean("email-nullmx")
        .dns("email-nullmx.test", "MX", "0 .")
        .dns("email-nullmx.test", "TXT", "v=spf1 -all")
        .drop_dns("sel1._domainkey.email-nullmx.test", "TXT")
        .drop_dns("_mta-sts.email-nullmx.test", "TXT")
        .drop_dns("_smtp._tls.email-nullmx.test", "TXT");
    let card = audit(site, false).await;
    expect(&card, "email.mx", Status::Pass);
    assert!(summary(&card, "email.mx").contains("null MX"));
    for id in ["email.mta_sts", "email.tls_rpt", "email.dkim"] {
        expect(&card, id, Status::Skipped);
    }
}

#[tokio::test]
async fn email_mx_to_a_host_that_does_not_resolve_fails() {
    let card = audit(Site::clean("email-mxdead").dns("email-mxdead.test", "MX", "10 gone.email-mxdead.test"), false).await;
    expect(&card, "email.mx", Status::Fail);
}

// email.spf.present

#[tokio::test]
async fn email_missing_spf_fails_and_skips_the_rest() {
    let card = audit(Site::clean("email-nospf").drop_dns("email-nospf.test", "TXT"), false).await;
    expect(&card, "email.spf.present", Status::Fail);
    expect(&card, "email.spf.valid", Status::Skipped);
    expect(&card, "email.spf.policy", Status::Skipped);
}

#[tokio::test]
async fn email_two_spf_records_fail() {
    let mut site = with_spf("email-twospf", "v=spf1 include:_spf.{a} -all");
    site.dns_set.push(rec("email-twospf.test", "TXT", "v=spf1 ip4:192.0.2.10 ~all"));
    // Other TXT records at the name are not SPF records and do not count.
    site.dns_set.push(rec("email-twospf.test", "TXT", "google-site-verification=abc123"));
    let card = audit(site, false).await;
    expect(&card, "email.spf.present", Status::Fail);
    assert!(summary(&card, "email.spf.present").contains("2 SPF records"));
}

// email.spf.valid

/// An SPF record at the apex that reaches `depth` includes through a chain `_spf1` … `_spfN`.
fn include_chain(label: &str, depth: usize) -> Site {
    let a = apex(label);
    let mut site = with_spf(label, "v=spf1 include:_spf1.{a} -all");
    for n in 1..=depth {
        let next = if n == depth { "ip4:192.0.2.1".to_owned() } else { format!("include:_spf{}.{a}", n + 1) };
        site = site.dns(&format!("_spf{n}.{a}"), "TXT", &format!("v=spf1 {next} -all"));
    }
    site
}

#[tokio::test]
async fn email_spf_with_eleven_lookups_fails() {
    let card = audit(include_chain("email-spf11", 11), false).await;
    expect(&card, "email.spf.valid", Status::Fail);
    assert!(summary(&card, "email.spf.valid").contains("more than 10"), "{}", summary(&card, "email.spf.valid"));
}

#[tokio::test]
async fn email_spf_with_ten_lookups_passes() {
    let card = audit(include_chain("email-spf10", 10), false).await;
    expect(&card, "email.spf.valid", Status::Pass);
    assert!(evidence(&card, "email.spf.valid").contains("DNS-querying terms: 10 of 10"));
}

#[tokio::test]
async fn email_spf_with_three_void_lookups_fails() {
    let card = audit(with_spf("email-spfvoid", "v=spf1 a:nx1.{a} a:nx2.{a} mx:nx3.{a} -all"), false).await;
    expect(&card, "email.spf.valid", Status::Fail);
    assert!(summary(&card, "email.spf.valid").contains("3 SPF lookups find nothing"));
}

#[tokio::test]
async fn email_spf_with_two_void_lookups_passes() {
    let card = audit(with_spf("email-spfvoid2", "v=spf1 a:nx1.{a} a:nx2.{a} -all"), false).await;
    expect(&card, "email.spf.valid", Status::Pass);
}

#[tokio::test]
async fn email_spf_that_does_not_parse_fails() {
    let card = audit(with_spf("email-spfbad", "v=spf1 ip4:300.1.1.1 -all"), false).await;
    expect(&card, "email.spf.valid", Status::Fail);
    expect(&card, "email.spf.policy", Status::Skipped);
}

#[tokio::test]
async fn email_spf_with_an_unknown_mechanism_fails() {
    let card = audit(with_spf("email-spfunknown", "v=spf1 include:_spf.{a} foo -all"), false).await;
    expect(&card, "email.spf.valid", Status::Fail);
}

#[tokio::test]
async fn email_spf_include_loop_fails() {
    let a = apex("email-spfloop");
    let site =
        with_spf("email-spfloop", "v=spf1 include:_spf.{a} -all").dns(&format!("_spf.{a}"), "TXT", &format!("v=spf1 include:{a} -all"));
    let card = audit(site, false).await;
    expect(&card, "email.spf.valid", Status::Fail);
    assert!(summary(&card, "email.spf.valid").contains("loop"), "{}", summary(&card, "email.spf.valid"));
}

#[tokio::test]
async fn email_spf_include_without_record_fails() {
    let card = audit(with_spf("email-spfnoinc", "v=spf1 include:_missing.{a} -all"), false).await;
    expect(&card, "email.spf.valid", Status::Fail);
    assert!(summary(&card, "email.spf.valid").contains("no SPF record"));
}

#[tokio::test]
async fn email_spf_macro_include_is_counted_not_followed() {
    let card = audit(with_spf("email-spfmacro", "v=spf1 include:%{d}._spf.{a} -all"), false).await;
    expect(&card, "email.spf.valid", Status::Pass);
    assert!(evidence(&card, "email.spf.valid").contains("DNS-querying terms: 1 of 10"));
}

// email.spf.policy

#[tokio::test]
async fn email_spf_softfail_passes() {
    let card = audit(with_spf("email-spfsoft", "v=spf1 include:_spf.{a} ~all"), false).await;
    expect(&card, "email.spf.policy", Status::Pass);
}

#[tokio::test]
async fn email_spf_plus_all_fails() {
    let card = audit(with_spf("email-spfplus", "v=spf1 include:_spf.{a} +all"), false).await;
    expect(&card, "email.spf.policy", Status::Fail);
}

#[tokio::test]
async fn email_spf_neutral_all_fails() {
    let card = audit(with_spf("email-spfneutral", "v=spf1 include:_spf.{a} ?all"), false).await;
    expect(&card, "email.spf.policy", Status::Fail);
}

#[tokio::test]
async fn email_spf_without_all_fails() {
    let card = audit(with_spf("email-spfnoall", "v=spf1 include:_spf.{a}"), false).await;
    expect(&card, "email.spf.policy", Status::Fail);
}

#[tokio::test]
async fn email_spf_open_ip_range_fails() {
    let card = audit(with_spf("email-spfopen", "v=spf1 ip4:0.0.0.0/0 -all"), false).await;
    expect(&card, "email.spf.policy", Status::Fail);
}

#[tokio::test]
async fn email_spf_policy_follows_redirect() {
    let a = apex("email-spfredir");
    let site = with_spf("email-spfredir", "v=spf1 ip4:192.0.2.1 redirect=_spf.{a}");
    let card = audit(site, false).await;
    expect(&card, "email.spf.policy", Status::Pass);
    expect(&card, "email.spf.valid", Status::Pass);
    assert!(evidence(&card, "email.spf.policy").contains(&format!("redirect=_spf.{a}")));

    let site = with_spf("email-spfredir2", "v=spf1 ip4:192.0.2.1 redirect=_spf.{a}").dns(
        "_spf.email-spfredir2.test",
        "TXT",
        "v=spf1 ip4:192.0.2.2 ?all",
    );
    let card = audit(site, false).await;
    expect(&card, "email.spf.policy", Status::Fail);
}

// email.dkim

fn with_dkim(label: &str, record: &str) -> Site {
    Site::clean(label).dns(&format!("sel1._domainkey.{}", apex(label)), "TXT", record)
}

#[tokio::test]
async fn email_dkim_1024_bit_key_warns() {
    let card = audit(with_dkim("email-dkim1024", &format!("v=DKIM1; k=rsa; p={}", *DKIM_1024)), false).await;
    expect(&card, "email.dkim", Status::Warn);
    assert!(evidence(&card, "email.dkim").contains("RSA 1024 bits"));
}

#[tokio::test]
async fn email_dkim_512_bit_key_fails() {
    let card = audit(with_dkim("email-dkim512", &format!("v=DKIM1; k=rsa; p={}", rsa_b64(512))), false).await;
    expect(&card, "email.dkim", Status::Fail);
}

#[tokio::test]
async fn email_dkim_revoked_key_fails() {
    let card = audit(with_dkim("email-dkimrevoked", "v=DKIM1; k=rsa; p="), false).await;
    expect(&card, "email.dkim", Status::Fail);
    assert!(summary(&card, "email.dkim").contains("revoked"));
}

#[tokio::test]
async fn email_dkim_garbage_key_fails() {
    let card = audit(with_dkim("email-dkimjunk", "v=DKIM1; k=rsa; p=bm90IGEga2V5IGF0IGFsbA=="), false).await;
    expect(&card, "email.dkim", Status::Fail);
}

#[tokio::test]
async fn email_dkim_missing_for_declared_selector_fails() {
    let card = audit(Site::clean("email-dkimnone").drop_dns("sel1._domainkey.email-dkimnone.test", "TXT"), false).await;
    expect(&card, "email.dkim", Status::Fail);
}

#[tokio::test]
async fn email_dkim_ed25519_passes() {
    let key = openssl::pkey::PKey::generate_ed25519().unwrap();
    let raw = base64::engine::general_purpose::STANDARD.encode(key.raw_public_key().unwrap());
    let card = audit(with_dkim("email-dkimed", &format!("v=DKIM1; k=ed25519; p={raw}")), false).await;
    expect(&card, "email.dkim", Status::Pass);
    assert!(evidence(&card, "email.dkim").contains("Ed25519"));
}

#[tokio::test]
async fn email_dkim_discovers_common_selectors_when_none_declared() {
    let a = apex("email-dkimfind");
    let site = Site::clean("email-dkimfind").drop_dns(&format!("sel1._domainkey.{a}"), "TXT").dns(
        &format!("selector2._domainkey.{a}"),
        "TXT",
        &format!("v=DKIM1; k=rsa; p={}", rsa_b64(2048)),
    );
    let card = audit_target(site, |t| t.dkim_selectors.clear()).await;
    expect(&card, "email.dkim", Status::Pass);
    assert!(summary(&card, "email.dkim").contains("selector2"), "{}", summary(&card, "email.dkim"));
}

#[tokio::test]
async fn email_dkim_nothing_discovered_is_not_measured() {
    // Selectors cannot be listed from DNS: none of the common ones says nothing.
    let site = Site::clean("email-dkimlost").drop_dns("sel1._domainkey.email-dkimlost.test", "TXT");
    let card = audit_target(site, |t| t.dkim_selectors.clear()).await;
    expect(&card, "email.dkim", Status::Skipped);
    assert!(summary(&card, "email.dkim").contains("declare the selectors"));
}

#[tokio::test]
async fn email_dkim_discovers_a_fastmail_selector() {
    let label = "email-dkimfm";
    let site = Site::clean(label).drop_dns(&format!("sel1._domainkey.{}", apex(label)), "TXT").dns(
        &format!("fm1._domainkey.{}", apex(label)),
        "TXT",
        &format!("v=DKIM1; k=rsa; p={}", *crate::fixture::DKIM_2048),
    );
    let card = audit_target(site, |t| t.dkim_selectors.clear()).await;
    expect(&card, "email.dkim", Status::Pass);
}

// email.dmarc.*

fn with_dmarc(label: &str, record: &str) -> Site {
    Site::clean(label).dns(&format!("_dmarc.{}", apex(label)), "TXT", record)
}

#[tokio::test]
async fn email_missing_dmarc_fails_and_skips_policy_checks() {
    let card = audit(Site::clean("email-nodmarc").drop_dns("_dmarc.email-nodmarc.test", "TXT"), false).await;
    expect(&card, "email.dmarc.present", Status::Fail);
    expect(&card, "email.dmarc.policy", Status::Skipped);
    expect(&card, "email.dmarc.reporting", Status::Skipped);
}

#[tokio::test]
async fn email_two_dmarc_records_fail() {
    let mut site = with_dmarc("email-twodmarc", "v=DMARC1; p=reject; rua=mailto:a@email-twodmarc.test");
    site.dns_set.push(rec("_dmarc.email-twodmarc.test", "TXT", "v=DMARC1; p=none"));
    let card = audit(site, false).await;
    expect(&card, "email.dmarc.present", Status::Fail);
}

#[tokio::test]
async fn email_invalid_dmarc_fails() {
    let card = audit(with_dmarc("email-baddmarc", "v=DMARC1; p=bogus; rua=mailto:d@email-baddmarc.test"), false).await;
    expect(&card, "email.dmarc.present", Status::Fail);
}

#[tokio::test]
async fn email_dmarc_p_none_warns() {
    let card = audit(with_dmarc("email-dmarcnone", "v=DMARC1; p=none; rua=mailto:d@email-dmarcnone.test"), false).await;
    expect(&card, "email.dmarc.present", Status::Pass);
    expect(&card, "email.dmarc.policy", Status::Warn);
    expect(&card, "email.dmarc.reporting", Status::Pass);
}

#[tokio::test]
async fn email_dmarc_quarantine_passes() {
    let card = audit(with_dmarc("email-dmarcq", "v=DMARC1; p=quarantine; rua=mailto:d@email-dmarcq.test"), false).await;
    expect(&card, "email.dmarc.policy", Status::Pass);
}

#[tokio::test]
async fn email_dmarc_without_rua_fails_reporting() {
    let card = audit(with_dmarc("email-dmarcnorua", "v=DMARC1; p=reject"), false).await;
    expect(&card, "email.dmarc.present", Status::Pass);
    expect(&card, "email.dmarc.policy", Status::Pass);
    expect(&card, "email.dmarc.reporting", Status::Fail);
}

#[tokio::test]
async fn email_subdomain_inherits_the_organisational_dmarc_record() {
    let card = audit_target(Site::clean("email-dmarcorg"), |t| t.mail_domain = "news.email-dmarcorg.test".into()).await;
    expect(&card, "email.dmarc.present", Status::Pass);
    expect(&card, "email.dmarc.policy", Status::Pass);
    assert!(summary(&card, "email.dmarc.present").contains("inherits"), "{}", summary(&card, "email.dmarc.present"));
}

// email.mta_sts

fn policy(label: &str, mode: &str, mx: &str) -> Fixed {
    Fixed::ok("text/plain", &format!("version: STSv1\nmode: {mode}\nmx: {}\nmax_age: 604800\n", mx.replace("{a}", &apex(label))))
}

#[tokio::test]
async fn email_mta_sts_missing_record_fails() {
    let card = audit(Site::clean("email-nosts").drop_dns("_mta-sts.email-nosts.test", "TXT"), false).await;
    expect(&card, "email.mta_sts", Status::Fail);
}

#[tokio::test]
async fn email_mta_sts_testing_mode_warns() {
    let card =
        audit(Site::clean("email-ststest").page("/.well-known/mta-sts.txt", policy("email-ststest", "testing", "mail.{a}")), false).await;
    expect(&card, "email.mta_sts", Status::Warn);
}

#[tokio::test]
async fn email_mta_sts_unreachable_policy_fails() {
    let card = audit(Site::clean("email-sts404").page("/.well-known/mta-sts.txt", Fixed::status(404, "not found")), false).await;
    expect(&card, "email.mta_sts", Status::Fail);
    let card = audit(Site::clean("email-stsnohost").drop_dns("mta-sts.email-stsnohost.test", "A"), false).await;
    expect(&card, "email.mta_sts", Status::Fail);
}

#[tokio::test]
async fn email_mta_sts_policy_that_misses_the_mx_fails() {
    let card =
        audit(Site::clean("email-stsmx").page("/.well-known/mta-sts.txt", policy("email-stsmx", "enforce", "*.other.test")), false).await;
    expect(&card, "email.mta_sts", Status::Fail);
    assert!(summary(&card, "email.mta_sts").contains("mail.email-stsmx.test"));
}

#[tokio::test]
async fn email_mta_sts_invalid_policy_fails() {
    let card =
        audit(Site::clean("email-stsjunk").page("/.well-known/mta-sts.txt", Fixed::ok("text/html", "<html>hello</html>")), false).await;
    expect(&card, "email.mta_sts", Status::Fail);
}

// email.tls_rpt

#[tokio::test]
async fn email_tls_rpt_missing_fails() {
    let card = audit(Site::clean("email-norpt").drop_dns("_smtp._tls.email-norpt.test", "TXT"), false).await;
    expect(&card, "email.tls_rpt", Status::Fail);
}

#[tokio::test]
async fn email_tls_rpt_without_rua_fails() {
    let card = audit(Site::clean("email-rptnorua").dns("_smtp._tls.email-rptnorua.test", "TXT", "v=TLSRPTv1;"), false).await;
    expect(&card, "email.tls_rpt", Status::Fail);
}

//! SPF (RFC 7208): exactly one record, which parses and stays within the lookup limits when
//! its includes are followed, and ends in a fail or softfail policy.

use super::common::{has_version, mail_domain, quoted, txt_or_empty};
use crate::context::AuditContext;
use crate::model::Outcome;
use mail_auth::common::parse::TxtRecordParser;
use mail_auth::spf::{Macro, Mechanism, Qualifier, Spf, Variable};
use std::future::Future;
use std::pin::Pin;

/// RFC 7208 §4.6.4: DNS-querying terms per evaluation, and lookups that return nothing.
const LOOKUP_LIMIT: usize = 10;
const VOID_LIMIT: usize = 2;
/// RFC 7208 §4.6.4: an `mx` mechanism may not name more than 10 MX hosts.
const MX_LIMIT: usize = 10;

fn is_spf(record: &str) -> bool {
    has_version(record, "v=spf1") && record.trim_start().as_bytes().get(6).is_none_or(|c| *c != b';')
}

/// The SPF records among the TXT records of `domain`.
async fn spf_records(cx: &AuditContext, domain: &str) -> Result<Vec<String>, String> {
    txt_or_empty(cx, domain).await.map(|all| all.into_iter().filter(|r| is_spf(r)).collect()).map_err(|e| e.to_string())
}

/// mail-auth's parse, plus two things it lets through that RFC 7208 makes a permerror: a bare
/// unknown term (§4.6.1), which mail-auth reads as a modifier taking the next term as its
/// value, so `v=spf1 foo -all` would silently lose its `-all`; and an ip4/ip6 address that is
/// not one (§5.6), which mail-auth saturates (`300.1.1.1` becomes `255.1.1.1`).
fn parse(record: &str) -> Result<Spf, String> {
    const MECHANISMS: [&str; 8] = ["all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"];
    for term in record.split_ascii_whitespace().skip(1) {
        let name_end = term.find([':', '/', '=']).unwrap_or(term.len());
        let is_modifier = term.as_bytes().get(name_end) == Some(&b'=');
        let name = term[..name_end].trim_start_matches(['+', '-', '~', '?']);
        if !is_modifier && !MECHANISMS.iter().any(|m| m.eq_ignore_ascii_case(name)) {
            return Err(format!("unknown mechanism \"{term}\""));
        }
        let address = term[name_end..].strip_prefix(':').map(|rest| rest.split('/').next().unwrap_or(rest));
        let valid = match (name.to_ascii_lowercase().as_str(), address) {
            ("ip4", Some(a)) => a.parse::<std::net::Ipv4Addr>().is_ok(),
            ("ip6", Some(a)) => a.parse::<std::net::Ipv6Addr>().is_ok(),
            _ => true,
        };
        if !valid {
            return Err(format!("\"{term}\" is not a valid address"));
        }
    }
    Spf::parse(record.as_bytes()).map_err(|e| e.to_string())
}

/// The domain a macro string names, when it has no macro to expand.
fn literal(spec: &Macro) -> Option<String> {
    match spec {
        Macro::Literal(bytes) => Some(String::from_utf8_lossy(bytes).trim_end_matches('.').to_ascii_lowercase()),
        _ => None,
    }
}

/// A macro string as written, near enough for evidence (transformers are not shown).
fn describe(spec: &Macro) -> String {
    match spec {
        Macro::Literal(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        Macro::Variable { letter, .. } => {
            let letter = match letter {
                Variable::Sender => 's',
                Variable::SenderLocalPart => 'l',
                Variable::SenderDomainPart => 'o',
                Variable::Domain => 'd',
                Variable::Ip => 'i',
                Variable::ValidatedDomain => 'p',
                Variable::IpVersion => 'v',
                Variable::HeloDomain => 'h',
                Variable::SmtpIp => 'c',
                Variable::HostDomain => 'r',
                Variable::CurrentTime => 't',
            };
            format!("%{{{letter}}}")
        }
        Macro::List(parts) => parts.iter().map(describe).collect(),
        Macro::None => String::new(),
    }
}

/// The one SPF record of the mail domain, or the outcome of a check that cannot judge it.
async fn the_record(cx: &AuditContext) -> Result<(String, String), Outcome> {
    let domain = mail_domain(cx);
    match spf_records(cx, &domain).await {
        Err(e) => Err(Outcome::error(e)),
        Ok(records) => match records.as_slice() {
            [record] => Ok((domain, record.clone())),
            [] => Err(Outcome::skipped(format!("{domain} has no SPF record to evaluate (see email.spf.present)"))),
            several => Err(Outcome::skipped(format!(
                "{domain} has {} SPF records, which is a permerror on its own (see email.spf.present)",
                several.len()
            ))),
        },
    }
}

pub(super) async fn present(cx: &AuditContext) -> Outcome {
    let domain = mail_domain(cx);
    let records = match spf_records(cx, &domain).await {
        Ok(records) => records,
        Err(e) => return Outcome::error(e),
    };
    match records.as_slice() {
        [] => Outcome::fail(format!("{domain} has no SPF record: anyone can send mail that claims to come from it")),
        [_] => Outcome::pass(format!("{domain} has exactly one SPF record")).evidence_lines(quoted(&records, &domain)),
        several => Outcome::fail(format!(
            "{domain} has {} SPF records: receivers return a permanent error (RFC 7208 §4.5) and may reject your mail",
            several.len()
        ))
        .evidence_lines(quoted(&records, &domain)),
    }
}

/// What following a record's DNS-querying terms found.
#[derive(Default)]
struct Walk {
    lookups: usize,
    voids: usize,
    /// The include tree, one line per record or noteworthy term, indented by depth.
    tree: Vec<String>,
    /// Findings that make the evaluation a permerror.
    permerrors: Vec<String>,
    /// Lookups that failed for reasons other than "no such record".
    temperrors: Vec<String>,
}

impl Walk {
    /// Past the limit the result is already a permerror: stop sending queries.
    fn exhausted(&self) -> bool {
        self.lookups > LOOKUP_LIMIT
    }
}

/// Counts the DNS-querying terms of `spf` (the record of `domain`) and of every record it
/// includes or redirects to, as one evaluation would. `path` holds the domains from the top
/// record down to `domain`, to stop include loops.
fn walk<'a>(
    cx: &'a AuditContext,
    domain: String,
    spf: Spf,
    path: Vec<String>,
    w: &'a mut Walk,
) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
    Box::pin(async move {
        let indent = "  ".repeat(path.len());
        let has_all = spf.directives.iter().any(|d| d.mechanism == Mechanism::All);
        for directive in spf.directives.iter() {
            match &directive.mechanism {
                Mechanism::Include { macro_string } => {
                    w.lookups += 1;
                    match literal(macro_string) {
                        Some(target) => follow(cx, "include:", target, &path, w).await,
                        None => w.tree.push(format!("{indent}include:{} (a macro, counted but not expanded)", describe(macro_string))),
                    }
                }
                Mechanism::A { macro_string, .. } => {
                    w.lookups += 1;
                    let target = literal(macro_string).or_else(|| matches!(macro_string, Macro::None).then(|| domain.clone()));
                    if let Some(target) = target {
                        if !w.exhausted() {
                            match cx.ips(&target).await {
                                Err(e) if e.is_no_records() => void(w, &indent, format!("a:{target} has no A or AAAA record")),
                                Err(e) => w.temperrors.push(e.to_string()),
                                Ok(_) => {}
                            }
                        }
                    }
                }
                Mechanism::Mx { macro_string, .. } => {
                    w.lookups += 1;
                    let target = literal(macro_string).or_else(|| matches!(macro_string, Macro::None).then(|| domain.clone()));
                    if let Some(target) = target {
                        if !w.exhausted() {
                            match cx.dns.mx(&target).await {
                                Err(e) if e.is_no_records() => void(w, &indent, format!("mx:{target} has no MX record")),
                                Err(e) => w.temperrors.push(e.to_string()),
                                Ok(hosts) if hosts.len() > MX_LIMIT => w.permerrors.push(format!(
                                    "mx:{target} names {} MX hosts, more than the {MX_LIMIT} an evaluation may look up",
                                    hosts.len()
                                )),
                                Ok(_) => {}
                            }
                        }
                    }
                }
                Mechanism::Exists { macro_string } => {
                    w.lookups += 1;
                    if let (Some(target), false) = (literal(macro_string), w.exhausted()) {
                        match cx.ips(&target).await {
                            Err(e) if e.is_no_records() => void(w, &indent, format!("exists:{target} has no address record")),
                            Err(e) => w.temperrors.push(e.to_string()),
                            Ok(_) => {}
                        }
                    }
                }
                // Its lookups depend on the connecting client; RFC 7208 §5.5 says not to use it.
                Mechanism::Ptr { .. } => {
                    w.lookups += 1;
                    w.tree.push(format!("{indent}ptr (counted; slow, unreliable and discouraged by RFC 7208 §5.5)"));
                }
                Mechanism::Ip4 { .. } | Mechanism::Ip6 { .. } | Mechanism::All => {}
            }
        }
        match &spf.redirect {
            // RFC 7208 §6.1: an `all` anywhere makes the redirect unreachable.
            Some(_) if has_all => w.tree.push(format!("{indent}redirect= ignored: the record has an all mechanism")),
            Some(spec) => {
                w.lookups += 1;
                match literal(spec) {
                    Some(target) => follow(cx, "redirect=", target, &path, w).await,
                    None => w.tree.push(format!("{indent}redirect={} (a macro, counted but not expanded)", describe(spec))),
                }
            }
            None => {}
        }
    })
}

fn void(w: &mut Walk, indent: &str, what: String) {
    w.voids += 1;
    w.tree.push(format!("{indent}void lookup: {what}"));
}

/// Looks up the record an include or redirect names and walks it.
async fn follow(cx: &AuditContext, kind: &str, target: String, path: &[String], w: &mut Walk) {
    let indent = "  ".repeat(path.len());
    if let Some(start) = path.iter().position(|p| *p == target) {
        let cycle: Vec<&str> = path[start..].iter().map(String::as_str).chain([target.as_str()]).collect();
        w.tree.push(format!("{indent}{kind}{target} (loop)"));
        w.permerrors.push(format!("include loop: {}", cycle.join(" → ")));
        return;
    }
    if w.exhausted() {
        w.tree.push(format!("{indent}{kind}{target} (not followed: the lookup limit is already exceeded)"));
        return;
    }
    let all = match cx.dns.txt(&target).await {
        Ok(all) => all,
        Err(e) if e.is_no_records() => {
            void(w, &indent, format!("{kind}{target} has no TXT record"));
            w.permerrors.push(format!("{kind}{target} has no SPF record"));
            return;
        }
        Err(e) => {
            w.tree.push(format!("{indent}{kind}{target} (lookup failed)"));
            w.temperrors.push(e.to_string());
            return;
        }
    };
    let records: Vec<&String> = all.iter().filter(|r| is_spf(r)).collect();
    let record = match records.as_slice() {
        [record] => *record,
        [] => {
            w.tree.push(format!("{indent}{kind}{target} (no SPF record)"));
            w.permerrors.push(format!("{kind}{target} has no SPF record"));
            return;
        }
        several => {
            w.tree.push(format!("{indent}{kind}{target} ({} SPF records)", several.len()));
            w.permerrors.push(format!("{kind}{target} has {} SPF records", several.len()));
            return;
        }
    };
    w.tree.push(format!("{indent}{kind}{target} → \"{record}\""));
    match parse(record) {
        Ok(spf) => {
            let mut path = path.to_vec();
            path.push(target.clone());
            walk(cx, target, spf, path, w).await;
        }
        Err(e) => w.permerrors.push(format!("the record of {target} does not parse: {e}")),
    }
}

pub(super) async fn valid(cx: &AuditContext) -> Outcome {
    let (domain, record) = match the_record(cx).await {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    let top = format!("{domain} TXT \"{record}\"");
    let spf = match parse(&record) {
        Ok(spf) => spf,
        Err(e) => {
            return Outcome::fail(format!(
                "the SPF record does not parse ({e}): receivers return permerror and treat your mail as unauthenticated"
            ))
            .evidence(top)
        }
    };
    let mut w = Walk::default();
    walk(cx, domain.clone(), spf, vec![domain.clone()], &mut w).await;
    let counts = format!(
        "DNS-querying terms: {} of {LOOKUP_LIMIT}{}; void lookups: {} of {VOID_LIMIT}",
        w.lookups,
        if w.exhausted() { " (counting stopped once over the limit)" } else { "" },
        w.voids
    );
    let evidence: Vec<String> =
        [counts, top].into_iter().chain(w.tree).chain(w.permerrors.iter().map(|p| format!("permerror: {p}"))).collect();
    if w.lookups > LOOKUP_LIMIT {
        Outcome::fail(format!(
            "evaluating the SPF record needs more than {LOOKUP_LIMIT} DNS lookups ({} counted through includes): receivers return permerror",
            w.lookups
        ))
        .evidence_lines(evidence)
    } else if w.voids > VOID_LIMIT {
        Outcome::fail(format!("{} SPF lookups find nothing (limit {VOID_LIMIT}): receivers return permerror", w.voids))
            .evidence_lines(evidence)
    } else if let Some(first) = w.permerrors.first() {
        Outcome::fail(format!("the SPF evaluation ends in permerror: {first}")).evidence_lines(evidence)
    } else if !w.temperrors.is_empty() {
        Outcome::error(format!("some SPF lookups failed, so the count is incomplete: {}", w.temperrors.join("; "))).evidence_lines(evidence)
    } else {
        Outcome::pass(format!("the SPF record parses and needs {} of {LOOKUP_LIMIT} DNS lookups ({} void)", w.lookups, w.voids))
            .evidence_lines(evidence)
    }
}

fn all_text(qualifier: &Qualifier) -> &'static str {
    match qualifier {
        Qualifier::Pass => "+all",
        Qualifier::Fail => "-all",
        Qualifier::SoftFail => "~all",
        Qualifier::Neutral => "?all",
    }
}

pub(super) async fn policy(cx: &AuditContext) -> Outcome {
    let (domain, record) = match the_record(cx).await {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    let mut evidence = vec![format!("{domain} TXT \"{record}\"")];
    let mut spf = match parse(&record) {
        Ok(spf) => spf,
        Err(e) => {
            return Outcome::skipped(format!("the SPF record does not parse ({e}), so it has no policy (see email.spf.valid)"))
                .evidence_lines(evidence)
        }
    };
    let mut visited = vec![domain];
    // The final policy is the first `all` of the record, or of the record `redirect=` leads to.
    loop {
        // A pass for every IPv4 or IPv6 address is `+all` under another name.
        let open = spf.directives.iter().take_while(|d| d.mechanism != Mechanism::All).find(|d| {
            d.qualifier == Qualifier::Pass && matches!(d.mechanism, Mechanism::Ip4 { mask: 0, .. } | Mechanism::Ip6 { mask: 0, .. })
        });
        if let Some(open) = open {
            let range = if matches!(open.mechanism, Mechanism::Ip4 { .. }) { "ip4:0.0.0.0/0" } else { "ip6:::/0" };
            return Outcome::fail(format!("{range} authorises every server on the internet to send as you, like +all"))
                .evidence_lines(evidence);
        }
        if let Some(all) = spf.directives.iter().find(|d| d.mechanism == Mechanism::All) {
            let text = all_text(&all.qualifier);
            return match all.qualifier {
                Qualifier::Fail => {
                    Outcome::pass("the SPF policy ends in -all: mail from unlisted servers fails SPF").evidence_lines(evidence)
                }
                Qualifier::SoftFail => {
                    Outcome::pass("the SPF policy ends in ~all: mail from unlisted servers soft-fails SPF").evidence_lines(evidence)
                }
                Qualifier::Pass => {
                    Outcome::fail("the SPF policy ends in +all: every server on the internet may send as you").evidence_lines(evidence)
                }
                Qualifier::Neutral => {
                    Outcome::fail(format!("the SPF policy ends in {text}, which asserts nothing: spoofed mail is not rejected"))
                        .evidence_lines(evidence)
                }
            };
        }
        let Some(spec) = spf.redirect.clone() else {
            return Outcome::fail(
                "the SPF record has no all mechanism and no redirect: mail from unlisted servers gets neutral, so spoofing is not rejected",
            )
            .evidence_lines(evidence);
        };
        let Some(target) = literal(&spec) else {
            return Outcome::error(format!(
                "the final policy is behind redirect={}, a macro that depends on each message",
                describe(&spec)
            ))
            .evidence_lines(evidence);
        };
        if visited.contains(&target) || visited.len() > LOOKUP_LIMIT {
            return Outcome::fail(format!("redirect={target} loops back, so the evaluation ends in permerror")).evidence_lines(evidence);
        }
        let records = match spf_records(cx, &target).await {
            Ok(records) => records,
            Err(e) => return Outcome::error(e).evidence_lines(evidence),
        };
        let [next] = records.as_slice() else {
            return Outcome::fail(format!("redirect={target} leads to {} SPF records, so the evaluation ends in permerror", records.len()))
                .evidence_lines(evidence);
        };
        evidence.push(format!("redirect={target} → \"{next}\""));
        spf = match parse(next) {
            Ok(spf) => spf,
            Err(e) => {
                return Outcome::fail(format!("the record redirect={target} leads to does not parse ({e}): permerror"))
                    .evidence_lines(evidence)
            }
        };
        visited.push(target);
    }
}

/// Reads a TXT record as this check does up to its first DNS query (the fuzz targets' entry):
/// recognised, parsed, and every domain it would look up named.
pub(super) fn read_without_dns(record: &str) -> Vec<String> {
    let Some(spf) = is_spf(record).then(|| parse(record).ok()).flatten() else { return Vec::new() };
    let specs = spf.directives.iter().filter_map(|d| match &d.mechanism {
        Mechanism::Include { macro_string } | Mechanism::Exists { macro_string } => Some(macro_string),
        Mechanism::A { macro_string, .. } | Mechanism::Mx { macro_string, .. } | Mechanism::Ptr { macro_string } => Some(macro_string),
        Mechanism::Ip4 { .. } | Mechanism::Ip6 { .. } | Mechanism::All => None,
    });
    specs.chain(spf.redirect.as_ref()).map(|spec| literal(spec).unwrap_or_else(|| describe(spec))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_bare_terms_are_errors() {
        assert!(parse("v=spf1 foo -all").is_err());
        assert!(parse("v=spf1 include:_spf.example.com ~all").is_ok());
        assert!(parse("v=spf1 a/24 mx:example.com/24//64 ip4:192.0.2.0/24 ?exists:%{i}.x.example -all").is_ok());
        assert!(parse("v=spf1 -all exp=explain.example.com unknown-mod=x").is_ok());
    }

    #[test]
    fn mail_auth_parses_what_we_rely_on() {
        let spf = parse("v=spf1 include:_spf.example.com redirect=other.example.com").unwrap();
        assert_eq!(literal(spf.redirect.as_ref().unwrap()).as_deref(), Some("other.example.com"));
        assert!(
            matches!(&spf.directives[0].mechanism, Mechanism::Include { macro_string } if literal(macro_string).as_deref() == Some("_spf.example.com"))
        );
        let spf = parse("v=spf1 a mx -all").unwrap();
        assert!(matches!(&spf.directives[0].mechanism, Mechanism::A { macro_string: Macro::None, .. }));
        let spf = parse("v=spf1 include:%{d}._spf.example.com ~all").unwrap();
        assert!(matches!(&spf.directives[0].mechanism, Mechanism::Include { macro_string } if literal(macro_string).is_none()));
        assert!(parse("v=spf1 ip4:300.1.1.1 -all").is_err());
        assert!(parse("v=spf1 ip6:2001:db8::/32 ip4:192.0.2.0/24 -all").is_ok());
        assert!(parse("v=spf1 include -all").is_err());
        let spf = parse("v=spf1 +ip4:0.0.0.0/0 -all").unwrap();
        assert!(matches!(spf.directives[0].mechanism, Mechanism::Ip4 { mask: 0, .. }));
    }

    #[test]
    fn spf_selection() {
        assert!(is_spf("v=spf1 -all"));
        assert!(is_spf("v=spf1"));
        assert!(!is_spf("v=spf1; -all"));
        assert!(!is_spf("google-site-verification=abc"));
    }
}

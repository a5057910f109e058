//! The exposure checks: dotfiles and git metadata served by mistake, public source maps,
//! provider secrets shipped to the browser, debug error pages and security.txt.
//!
//! Every "is it served?" judgement looks at the body, not only the status: many single-page
//! apps answer 200 with their index.html for any path, and that must not read as a leak.
//!
//! Source maps: a bundle that only *references* a map (`//# sourceMappingURL=` or a SourceMap
//! header) while the map itself is not served passes. The reference alone gives nothing away,
//! and it is the usual result of uploading maps privately to an error tracker; the evidence
//! still lists it so the owner can drop the dangling comment.

mod common;
mod dotenv;
mod error_details;
mod git;
mod secrets_in_bundle;
mod security_txt;
mod source_maps;

use crate::registry::Registry;

/// Every body reader of this family on one response body, without the network (the fuzz
/// targets' entry: these bodies are whatever the audited server sends).
pub(super) fn read_body(text: &str) -> usize {
    let found = secrets_in_bundle::find_checked(text);
    let contacts = security_txt::parse_security_txt(text).contacts.len();
    let entries = dotenv::dotenv_entries(text).map_or(0, |e| e.len());
    let signs = usize::from(error_details::debug_sign(text).is_some());
    let git = usize::from(git::is_git_head(text)) + usize::from(git::is_git_config(text));
    let maps = source_maps::source_mapping_url(text).map_or(0, |url| usize::from(source_maps::inline_map_has_sources(&url)));
    found + contacts + entries + signs + git + maps
}

pub(super) fn register(r: &mut Registry) {
    r.add("exposure.dotenv", |cx| Box::pin(dotenv::check(cx)));
    r.add("exposure.git", |cx| Box::pin(git::check(cx)));
    r.add("exposure.source_maps", |cx| Box::pin(source_maps::check(cx)));
    r.add("exposure.secrets_in_bundle", |cx| Box::pin(secrets_in_bundle::check(cx)));
    r.add("exposure.error_details", |cx| Box::pin(error_details::check(cx)));
    r.add("exposure.security_txt", |cx| Box::pin(security_txt::check(cx)));
}

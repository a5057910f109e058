//! Static assets (the WASM bundle, its JS glue, CSS) under `/pkg/<version>/…`.
//!
//! `<version>` is a hash of the files' contents computed at start-up, so the URLs change
//! whenever the files do and can be cached for a year (`immutable`). Files are served
//! pre-compressed (`.br`, `.gz`, made by the build script) when the browser accepts it.

use axum::Router;
use http::header::{HeaderValue, CACHE_CONTROL};
use sha2::{Digest, Sha256};
use std::path::Path;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Hash of every file in the pkg directory (names and contents), 12 hex characters.
/// A missing directory (no front end built) hashes to a fixed value; the pages still render.
pub fn version_of(pkg_dir: &Path) -> String {
    let mut entries: Vec<_> = std::fs::read_dir(pkg_dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    entries.sort();
    let mut hasher = Sha256::new();
    for path in entries {
        hasher.update(path.file_name().map(|n| n.as_encoded_bytes()).unwrap_or_default());
        if let Ok(bytes) = std::fs::read(&path) {
            hasher.update(&bytes);
        }
    }
    hex::encode(&hasher.finalize()[..6])
}

pub fn router<S: Clone + Send + Sync + 'static>(pkg_dir: &Path) -> Router<S> {
    let files = ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip();
    Router::new()
        .nest_service("/pkg/{version}", files)
        .layer(SetResponseHeaderLayer::overriding(CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")))
}

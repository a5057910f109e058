//! The first thing every request passes: who the client is. Behind the TLS-terminating proxy
//! of a real deployment the socket peer is the proxy; [`ClientAddr::resolve`] believes its
//! `Forwarded` / `X-Forwarded-For` only when the peer is a configured trusted proxy. The
//! result goes into the request extensions, where the request span, the throttles, the
//! development outbox and the security log read it.

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use platform::infra::client_addr::{ClientAddr, TrustedProxies};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

pub async fn identify(State(trusted): State<Arc<TrustedProxies>>, mut request: Request, next: Next) -> Response {
    // Every connection the server accepts has a peer; a request without one was made
    // in-process (tower's oneshot in a test), which is as local as it gets.
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()).unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let client = ClientAddr::resolve(peer, request.headers(), &trusted);
    request.extensions_mut().insert(client);
    next.run(request).await
}

//! A tarpit on port 443: it accepts, reads whatever the client sends, and answers with the
//! start of a TLS record that promises 16 KiB, then one more byte every `DRIP`. A client with
//! only per-read timeouts longer than `DRIP` never finishes its handshake. The tarpit counts
//! the connections it still holds, so a test sees whether the scanner really let go.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Shorter than any timeout the scanner sets per read.
pub const DRIP: Duration = Duration::from_millis(900);

/// A handshake record header claiming a 16 KiB body that never arrives.
const RECORD_START: [u8; 5] = [0x16, 0x03, 0x01, 0x40, 0x00];

static OPEN: LazyLock<Mutex<HashMap<Ipv4Addr, Arc<AtomicUsize>>>> = LazyLock::new(Default::default);

fn counter(ip: Ipv4Addr) -> Arc<AtomicUsize> {
    OPEN.lock().unwrap().entry(ip).or_default().clone()
}

/// Connections the tarpit at `ip` still holds open.
pub fn open_connections(ip: Ipv4Addr) -> usize {
    counter(ip).load(Ordering::SeqCst)
}

/// Polls (every 100 ms, at most `limit`) until the tarpit at `ip` holds a number of connections
/// that `done` accepts; returns the last number seen.
pub async fn wait_for_held(ip: Ipv4Addr, limit: Duration, done: impl Fn(usize) -> bool) -> usize {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let held = open_connections(ip);
        if done(held) || tokio::time::Instant::now() >= deadline {
            return held;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Listens on `ip:443` until the test's runtime ends.
pub async fn serve(ip: Ipv4Addr) {
    let listener = TcpListener::bind(SocketAddr::new(IpAddr::V4(ip), 443)).await.unwrap_or_else(|e| panic!("bind {ip}:443: {e}"));
    let open = counter(ip);
    tokio::spawn(async move {
        loop {
            let Ok((mut tcp, _)) = listener.accept().await else { continue };
            let open = open.clone();
            open.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut sent = 0usize;
                let mut buffer = [0u8; 4096];
                let mut drip = tokio::time::interval(DRIP);
                loop {
                    tokio::select! {
                        read = tcp.read(&mut buffer) => match read {
                            // The client closed (or reset) its end: it let go.
                            Ok(0) | Err(_) => break,
                            Ok(_) => {}
                        },
                        _ = drip.tick() => {
                            let byte = RECORD_START.get(sent).copied().unwrap_or(0);
                            if tcp.write_all(&[byte]).await.is_err() {
                                break;
                            }
                            sent += 1;
                        }
                    }
                }
                open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
}

//! Real peers on loopback for alert deliveries and monitors: an SMTP server that keeps what it
//! receives, an HTTP receiver for Slack and webhook posts, and an HTTP target that can be
//! stopped and started again on the same port.

use axum::body::Bytes;
use axum::http::HeaderMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub data: String,
}

/// A minimal SMTP server (RFC 5321 without extensions): enough for lettre to deliver to.
pub struct SmtpServer {
    pub addr: SocketAddr,
    pub mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpServer {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let store = mails.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 sink.test ESMTP ready\r\n").await;
                    let mut to = Vec::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        let upper = line.to_ascii_uppercase();
                        let reply: &[u8] = if upper.starts_with("EHLO") {
                            b"250-sink.test\r\n250 8BITMIME\r\n"
                        } else if upper.starts_with("HELO")
                            || upper.starts_with("MAIL FROM")
                            || upper.starts_with("RSET")
                            || upper.starts_with("NOOP")
                        {
                            b"250 OK\r\n"
                        } else if upper.starts_with("RCPT TO") {
                            to.push(line[8..].trim().trim_matches(['<', '>', ':', ' ']).to_owned());
                            b"250 OK\r\n"
                        } else if upper.starts_with("DATA") {
                            let _ = write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await;
                            let mut data = String::new();
                            while let Ok(Some(line)) = lines.next_line().await {
                                if line == "." {
                                    break;
                                }
                                data.push_str(line.strip_prefix('.').unwrap_or(&line));
                                data.push('\n');
                            }
                            store.lock().unwrap().push(Mail { to: std::mem::take(&mut to), data });
                            b"250 OK queued\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            b"502 not implemented\r\n"
                        };
                        if write.write_all(reply).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        Self { addr, mails }
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Waits (bounded) for a mail whose data contains every needle.
    pub async fn wait_for(&self, needles: &[&str]) -> Mail {
        for _ in 0..400 {
            if let Some(mail) = self.mails.lock().unwrap().iter().find(|m| needles.iter().all(|n| m.data.contains(n))).cloned() {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "no mail containing {needles:?}; got {:?}",
            self.mails
                .lock()
                .unwrap()
                .iter()
                .map(|m| m.data.lines().find(|l| l.starts_with("Subject")).unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        );
    }
}

#[derive(Debug, Clone)]
pub struct Hook {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Receives POSTs on any path (a Slack incoming webhook, a generic webhook) and keeps them.
pub struct HookReceiver {
    pub addr: SocketAddr,
    pub hooks: Arc<Mutex<Vec<Hook>>>,
}

impl HookReceiver {
    pub async fn start() -> Self {
        let hooks = Arc::new(Mutex::new(Vec::new()));
        let store = hooks.clone();
        let app = axum::Router::new().fallback(move |uri: axum::http::Uri, headers: HeaderMap, body: Bytes| {
            let store = store.clone();
            async move {
                store.lock().unwrap().push(Hook { path: uri.path().to_owned(), headers, body });
                "ok"
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { addr, hooks }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn wait_for(&self, path: &str, needle: &str) -> Hook {
        for _ in 0..400 {
            if let Some(hook) =
                self.hooks.lock().unwrap().iter().find(|h| h.path == path && String::from_utf8_lossy(&h.body).contains(needle)).cloned()
            {
                return hook;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no POST to {path} containing {needle:?}");
    }
}

/// A monitored HTTP service that can go down and come back on the same port.
pub struct Target {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Target {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut target = Self { addr, stop: None };
        target.serve(listener);
        target
    }

    fn serve(&mut self, listener: tokio::net::TcpListener) {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = axum::Router::new().route("/health", axum::routing::get(|| async { "all good" }));
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await
                .unwrap()
        });
        self.stop = Some(tx);
    }

    pub fn url(&self) -> String {
        format!("http://{}/health", self.addr)
    }

    pub async fn stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        // Until the listener is gone, connections would still be accepted.
        for _ in 0..50 {
            if tokio::net::TcpStream::connect(self.addr).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the target did not stop");
    }

    pub async fn restart(&mut self) {
        let listener = tokio::net::TcpListener::bind(self.addr).await.unwrap();
        self.serve(listener);
    }
}

//! `fake-stripe`: the local Stripe stand-in for the browser tests (see `testkit::fake_stripe`).
//! Loopback only.
//!
//! fake-stripe --bind 127.0.0.1:12111 --api-key sk_test_x --webhook-secret whsec_x \
//!             --webhook-url http://127.0.0.1:3000/webhooks/stripe

use clap::Parser;
use std::net::SocketAddr;
use testkit::fake_stripe::{FakeStripe, FakeStripeConfig};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "127.0.0.1:12111")]
    bind: SocketAddr,
    #[arg(long)]
    api_key: String,
    #[arg(long)]
    webhook_secret: String,
    #[arg(long)]
    webhook_url: String,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt().with_env_filter("info").init();
    let args = Args::parse();
    if !args.bind.ip().is_loopback() {
        return Err(std::io::Error::other("the fake binds loopback only"));
    }
    let fake = FakeStripe::start(
        args.bind,
        FakeStripeConfig { api_key: args.api_key, webhook_secret: args.webhook_secret, webhook_url: Some(args.webhook_url) },
    )
    .await?;
    println!("fake Stripe on http://{}", fake.addr);
    tokio::signal::ctrl_c().await
}

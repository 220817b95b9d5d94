//! `nexudus-sim`: serve a local Nexudus Spaces API with seeded demo members.

use std::net::{IpAddr, SocketAddr};

use clap::Parser;
use nexudus_sim::{DEMO_EMAIL, DEMO_PASSWORD, Faults, SimConfig, Simulator, ThrottleConfig};

/// A faithful local Nexudus Spaces API for the check-in kiosk's demo mode and tests.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Address to bind; loopback unless you mean to share it.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// How many seeded members.
    #[arg(long, default_value_t = 200)]
    members: usize,
    /// Seed of the demo data and of the fault draws.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Turn the server's throttling (409 + Retry-After) off.
    #[arg(long)]
    no_throttle: bool,
    /// Added latency of every API request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share of API requests answered 500 (0.0-1.0).
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Share of writes committed and then left without an answer.
    #[arg(long, default_value_t = 0.0)]
    drop_rate: f64,
    /// Share of API connections reset before processing.
    #[arg(long, default_value_t = 0.0)]
    reset_rate: f64,
    /// Share of API answers sent as truncated JSON.
    #[arg(long, default_value_t = 0.0)]
    malformed_rate: f64,
    /// Access-token lifetime in seconds.
    #[arg(long, default_value_t = 604_799)]
    access_ttl_secs: i64,
    /// Do not serve the test-only /_sim/ admin API.
    #[arg(long)]
    no_admin: bool,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    let config = SimConfig {
        addr: SocketAddr::new(args.bind, args.port),
        members: args.members,
        seed: args.seed,
        throttle: ThrottleConfig {
            enabled: !args.no_throttle,
            ..ThrottleConfig::default()
        },
        faults: Faults {
            latency_ms: args.latency_ms,
            error_rate: args.error_rate,
            drop_rate: args.drop_rate,
            reset_rate: args.reset_rate,
            malformed_rate: args.malformed_rate,
            odd_fields: Vec::new(),
        },
        access_token_ttl: chrono::Duration::seconds(args.access_ttl_secs),
        admin_api: !args.no_admin,
        ..SimConfig::default()
    };
    let sim = Simulator::start(config).await?;
    println!("Nexudus simulator listening on {}", sim.base_url());
    println!("Demo account: {DEMO_EMAIL} / {DEMO_PASSWORD}");
    println!(
        "{} members seeded (seed {}); Ctrl-C to stop.",
        args.members, args.seed
    );
    tokio::signal::ctrl_c().await?;
    sim.stop();
    Ok(())
}

//! The core's hot paths under criterion: `cargo bench -p scenarios --bench core`.
//!
//! A tap to its durable commit with 50,000 members cached, search as you type over 100,000
//! members, and the grid the UI loads at start. Criterion keeps each run as the baseline of the
//! next and says whether a change moved a figure beyond the noise; the `bench` binary prints the
//! issue's figures (medians and p99, drains, loads) against their targets.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn tap(c: &mut Criterion) {
    let rt = runtime();
    let (sim, _dir, kiosk) = rt.block_on(scenarios::loaded_kiosk(
        50_000,
        nexudus::Limits::unlimited(),
    ));
    let members = scenarios::eligible(&sim);
    sim.stop(); // a tap never waits for the network
    let mut next = members.iter().cycle();
    c.bench_function("tap to durable commit, 50,000 members cached", |b| {
        b.iter(|| kiosk.members().tap(*next.next().unwrap()).unwrap());
    });
}

fn search(c: &mut Criterion) {
    let rt = runtime();
    let (sim, _dir, kiosk) = rt.block_on(scenarios::loaded_kiosk(
        100_000,
        nexudus::Limits::unlimited(),
    ));
    sim.stop();
    let mut group = c.benchmark_group("search over 100,000 members");
    for &query in scenarios::SEARCH_QUERIES {
        group.bench_with_input(BenchmarkId::from_parameter(query), query, |b, q| {
            b.iter(|| kiosk.members().search(q, 50).unwrap());
        });
    }
    group.finish();
}

fn grid(c: &mut Criterion) {
    let rt = runtime();
    let (sim, _dir, kiosk) = rt.block_on(scenarios::loaded_kiosk(
        20_000,
        nexudus::Limits::unlimited(),
    ));
    sim.stop();
    let tiles = kiosk.members().grid().unwrap().len();
    c.bench_function(
        &format!("grid at start: {tiles} tiles of a location of 20,000 members"),
        |b| b.iter(|| kiosk.members().grid().unwrap()),
    );
}

criterion_group! {
    name = core;
    // Short enough to run on every change: the whole suite in about four minutes here.
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = tap, search, grid
}
criterion_main!(core);

//! `smsguard bench`: how fast and how big the engine is, measured in this process.
//!
//! Reports engine build time (rule compilation and, when present, model load), heap held by the
//! engine after load (counting allocator), per-message latency percentiles over a realistic mix
//! (the demo inbox), single-thread throughput and the process's peak RSS.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use smsguard_core::{Engine, SmsMessage};

/// Counts live heap bytes so that `bench` can report what the engine holds.
pub struct CountingAlloc;

static LIVE: AtomicIsize = AtomicIsize::new(0);

#[allow(unsafe_code)] // GlobalAlloc is an unsafe trait; we only forward to System and count.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn live_bytes() -> isize {
    LIVE.load(Ordering::Relaxed)
}

#[derive(Debug, Serialize)]
pub struct BenchReport {
    pub messages_in_mix: usize,
    pub iterations: usize,
    /// Parsing, validating, optimising and self-checking the model, when one is used.
    pub model_load_ms: Option<f64>,
    /// Heap held by one loaded model (the engines of a process share one).
    pub model_heap_bytes: Option<isize>,
    pub engine_build_ms: f64,
    pub first_classify_ms: f64,
    /// Engine build plus first classify in a fresh process: what a cold Android receiver or iOS
    /// extension waits for its first verdict (process start and library load come on top).
    pub cold_start_ms: f64,
    /// Engine (rules, signatures, state) plus the model when one is used.
    pub heap_after_load_bytes: isize,
    pub heap_after_warm_bytes: isize,
    pub latency_us_p50: f64,
    pub latency_us_p90: f64,
    pub latency_us_p99: f64,
    pub latency_us_max: f64,
    pub throughput_msgs_per_s: f64,
    pub peak_rss_bytes: Option<u64>,
    /// Anonymous resident memory (heap, stacks) when the peak is read: the private, dirty part.
    /// The rest of the RSS is the binary's and libc's pages, clean and reclaimable, which the
    /// kernel maps 64 KB at a time around each page touched.
    pub rss_anon_bytes: Option<u64>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// `sorted` in nanoseconds; the result in µs.
fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    f64::from(sorted[i.min(sorted.len() - 1)]) / 1e3
}

/// A line of `/proc/self/status` in bytes (Linux: `VmHWM` is the peak RSS, `RssAnon` the
/// anonymous part now), when the platform tells.
fn proc_status_bytes(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with(':')))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Loads a fresh copy of the model and returns it, so that its heap can be counted while alive.
pub type LoadModel<'a> = &'a dyn Fn() -> Box<dyn std::any::Any>;

/// `build` opens the engine as a front end does (rules, and the model when it says so) and
/// must be the process's first use of them: its time plus the first classify is the cold start,
/// and the heap it leaves is what the engine holds, the model's share included.
pub fn run(
    build: impl FnOnce() -> (Engine, bool),
    load_model: LoadModel<'_>,
    mix: &[SmsMessage],
    iterations: usize,
) -> BenchReport {
    let before = live_bytes();
    let t = Instant::now();
    let (engine, model_on) = build();
    let engine_build = t.elapsed();
    let t = Instant::now();
    // The embedded rules are compiled lazily on first use: that is part of "load".
    let _ = engine.classify(&mix[0]);
    let first = t.elapsed();
    let heap_after_load = live_bytes() - before;
    // Nanoseconds as u32 (saturating at 4 s): 16-byte Durations made the samples of a
    // 2,000-iteration run 1 MB of the peak RSS this bench reports as the engine's.
    let mut times: Vec<u32> = Vec::with_capacity(mix.len() * iterations);
    let t_all = Instant::now();
    for _ in 0..iterations {
        for m in mix {
            let t = Instant::now();
            let v = engine.classify(m);
            times.push(u32::try_from(t.elapsed().as_nanos()).unwrap_or(u32::MAX));
            std::hint::black_box(v);
        }
    }
    let total = t_all.elapsed();
    let heap_after_warm = live_bytes() - before;
    // Read before the extra load below, which is the bench's instrument, not the engine's work.
    let peak_rss_bytes = proc_status_bytes("VmHWM");
    let rss_anon_bytes = proc_status_bytes("RssAnon");
    // A fresh copy of the model (the engine's stays loaded) measures its load time and heap,
    // after the peak RSS is read: a second model alive beside the engine's is no engine's peak.
    let model = model_on.then(|| {
        let heap = live_bytes();
        let t = Instant::now();
        let model = load_model();
        let elapsed = ms(t.elapsed());
        let held = live_bytes() - heap;
        drop(model);
        (elapsed, held)
    });
    let model_heap = model.map(|(_, held)| held);
    times.sort_unstable();
    BenchReport {
        messages_in_mix: mix.len(),
        iterations,
        model_load_ms: model.map(|(t, _)| t),
        model_heap_bytes: model_heap,
        engine_build_ms: ms(engine_build),
        first_classify_ms: ms(first),
        cold_start_ms: ms(engine_build + first),
        heap_after_load_bytes: heap_after_load,
        heap_after_warm_bytes: heap_after_warm,
        latency_us_p50: percentile(&times, 0.50),
        latency_us_p90: percentile(&times, 0.90),
        latency_us_p99: percentile(&times, 0.99),
        latency_us_max: percentile(&times, 1.0),
        throughput_msgs_per_s: times.len() as f64 / total.as_secs_f64().max(1e-9),
        peak_rss_bytes,
        rss_anon_bytes,
    }
}

pub fn print(r: &BenchReport) {
    println!("mix: {} messages × {} iterations, one thread", r.messages_in_mix, r.iterations);
    if let Some(t) = r.model_load_ms {
        println!("model load:           {t:.2} ms (parse, validate, optimise, self-check)");
    }
    println!(
        "engine build:         {:.2} ms (state, rules and model as the front ends open them)",
        r.engine_build_ms
    );
    println!("first classify:       {:.2} ms (lazy compile of embedded rules)", r.first_classify_ms);
    println!("cold start:           {:.2} ms (engine build + first classify)", r.cold_start_ms);
    if let Some(b) = r.model_heap_bytes {
        println!("model heap:           {b} bytes (one loaded model, shared by the process's engines)");
    }
    let with_model = if r.model_heap_bytes.is_some() { ", incl. the model" } else { "" };
    println!("heap after load:      {} bytes (engine{with_model})", r.heap_after_load_bytes);
    println!("heap after warm-up:   {} bytes (incl. regex caches{with_model})", r.heap_after_warm_bytes);
    println!(
        "latency per message:  p50 {:.1} µs, p90 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        r.latency_us_p50, r.latency_us_p90, r.latency_us_p99, r.latency_us_max
    );
    println!("throughput:           {:.0} messages/s", r.throughput_msgs_per_s);
    if let Some(rss) = r.peak_rss_bytes {
        println!("peak RSS:             {rss} bytes");
    }
    if let Some(anon) = r.rss_anon_bytes {
        println!("anonymous RSS:        {anon} bytes (heap and stacks; the rest is clean mapped pages)");
    }
}

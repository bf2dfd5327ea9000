//! `ews-bench FILE` measures, in one process, on the SOAP envelope in FILE:
//!
//! - `scan_mb_s`: quick-xml's namespace-resolving reader over every event and attribute
//!   (nothing built): the floor the decoder is measured against;
//! - `decode_mb_s`: reading the envelope into the generated types (`EWS_SCHEMA_DIR`);
//! - `encode_mb_s`: writing the decoded value back;
//! - `xmlrs_scan_mb_s`: xml-rs's event reader over FILE;
//! - `decoded_heap_bytes`: heap held by the decoded value (and `decoded_allocations`).
//!
//! Each figure is the best of several timed runs after a warm-up (the result is freed
//! outside the timed part), printed one per line as
//! `name=value`. The heap is mimalloc's (`allocator=mimalloc`), as a service decoding large
//! responses would run it; build with `--features system-allocator` for the C library's
//! malloc, which returns freed memory to the system and pays page faults on every large
//! decode. `ews-bench --find-item N OUT` writes the benchmark input: a FindItem
//! response with N messages; `ews-bench --create-item N OUT` a CreateItem request sending N
//! messages. `--profile write|write-checked N FILE` writes the body of FILE's envelope N
//! times as the client writes a request, without and with the check of the schema's rules
//! (`Writer::checking`), for a side-by-side count of instructions (callgrind).

use std::alloc::{GlobalAlloc, Layout};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ewsgen::soap::Envelope;
use ewsgen::GlobalElement;

/// Counts live heap bytes and allocations while `COUNTING` is set (only around the heap
/// measurement, so that the timed paths pay no atomic operations).
struct Counting;

#[cfg(not(feature = "system-allocator"))]
const INNER: mimalloc::MiMalloc = mimalloc::MiMalloc;
#[cfg(not(feature = "system-allocator"))]
const ALLOCATOR: &str = "mimalloc";
#[cfg(feature = "system-allocator")]
const INNER: std::alloc::System = std::alloc::System;
#[cfg(feature = "system-allocator")]
const ALLOCATOR: &str = "system";

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the inner allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { INNER.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { INNER.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { INNER.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const WARMUP: usize = 2;
const ROUNDS: usize = 25;

/// Times one call, freeing its result outside the timed part.
fn time<T>(f: &mut dyn FnMut() -> T) -> Duration {
    let t = Instant::now();
    let v = std::hint::black_box(f());
    let d = t.elapsed();
    drop(v);
    d
}

/// Best time of each path over interleaved rounds (so that the machine's noise falls on
/// every path alike), after a warm-up.
fn best_interleaved(paths: &mut [&mut dyn FnMut() -> usize]) -> Vec<Duration> {
    for _ in 0..WARMUP {
        for p in paths.iter_mut() {
            time(*p);
        }
    }
    let mut best = vec![Duration::MAX; paths.len()];
    for _ in 0..ROUNDS {
        for (i, p) in paths.iter_mut().enumerate() {
            best[i] = best[i].min(time(*p));
        }
    }
    best
}

fn mb_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64().max(1e-9)
}

/// quick-xml's namespace-resolving scan: every event, every attribute resolved.
fn scan(text: &str) -> Result<usize, String> {
    use quick_xml::events::Event;
    let mut r = quick_xml::NsReader::from_str(text);
    let mut n = 0usize;
    loop {
        let (_, ev) = r.read_resolved_event().map_err(|e| e.to_string())?;
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                for a in e.attributes() {
                    let a = a.map_err(|e| e.to_string())?;
                    let (_, local) = r.resolver().resolve_attribute(a.key);
                    n += local.into_inner().len() + a.value.len();
                }
            }
            Event::Text(t) => n += t.len(),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(n)
}

fn xmlrs_scan(bytes: &[u8]) -> Result<usize, String> {
    let mut n = 0usize;
    for ev in xml::reader::EventReader::new(bytes) {
        match ev.map_err(|e| e.to_string())? {
            xml::reader::XmlEvent::StartElement { attributes, .. } => n += attributes.len(),
            xml::reader::XmlEvent::Characters(s) => n += s.len(),
            _ => {}
        }
    }
    Ok(n)
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, n, out] if flag == "--find-item" => {
            let n: usize = n.parse().map_err(|_| format!("not a number: {n}"))?;
            let xml = ews_tools::find_item_response(n);
            std::fs::write(out, &xml).map_err(|e| format!("{out}: {e}"))?;
            eprintln!("wrote {out}: {n} messages, {} bytes", xml.len());
            Ok(())
        }
        [flag, n, out] if flag == "--create-item" => {
            let n: usize = n.parse().map_err(|_| format!("not a number: {n}"))?;
            let xml = ews_tools::create_item_request(n);
            std::fs::write(out, &xml).map_err(|e| format!("{out}: {e}"))?;
            eprintln!("wrote {out}: {n} messages, {} bytes", xml.len());
            Ok(())
        }
        [file] => bench(file),
        [flag, what, n, file] if flag == "--profile" => profile(what, n, file),
        _ => Err(USAGE.into()),
    }
}

const USAGE: &str = "usage: ews-bench FILE | ews-bench --find-item N OUT | ews-bench --create-item N OUT | ews-bench --profile decode|encode|scan|write|write-checked N FILE";

/// Runs one path N times, for a profiler.
fn profile(what: &str, n: &str, file: &str) -> Result<(), String> {
    let n: usize = n.parse().map_err(|_| format!("not a number: {n}"))?;
    let bytes = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| format!("{file}: {e}"))?;
    let options = ews_tools::bench_read_options();
    let env = Envelope::<GlobalElement>::from_bytes(&bytes, ewsgen::NAMESPACES, options.clone())
        .map_err(|e| format!("{file}: {e}"))?;
    for _ in 0..n {
        match what {
            "decode" => {
                std::hint::black_box(
                    Envelope::<GlobalElement>::from_str_with(
                        text,
                        ewsgen::NAMESPACES,
                        options.clone(),
                    )
                    .map_err(|e| e.to_string())?,
                );
            }
            "encode" => {
                std::hint::black_box(env.to_xml(ewsgen::NAMESPACES).unwrap());
            }
            "scan" => {
                std::hint::black_box(scan(text)?);
            }
            "write" | "write-checked" => {
                let mut w = ewsgen::__private::Writer::with_capacity(ewsgen::NAMESPACES, 1024);
                if what == "write-checked" {
                    w = w.checking();
                }
                for e in &env.body {
                    ewsgen::__private::Value::write_value(e, &mut w, "");
                }
                std::hint::black_box(w.finish().map_err(|e| e.to_string())?);
            }
            _ => return Err(USAGE.into()),
        }
    }
    Ok(())
}

fn bench(file: &str) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| format!("{file}: {e}"))?;
    let len = bytes.len();
    let options = ews_tools::bench_read_options();
    // Both the scan and the decoder start from the document as UTF-8 text (checked once
    // above, when the file is read).
    let decode =
        || Envelope::<GlobalElement>::from_str_with(text, ewsgen::NAMESPACES, options.clone());
    // Check once that everything works before timing.
    scan(text)?;
    xmlrs_scan(&bytes)?;
    let env = decode().map_err(|e| format!("{file}: {e}"))?;

    let t = best_interleaved(&mut [
        &mut || scan(text).unwrap_or(0),
        &mut || decode().map(|e| e.body.len()).unwrap_or(0),
        &mut || env.to_xml(ewsgen::NAMESPACES).map_or(0, |x| x.len()),
        &mut || xmlrs_scan(&bytes).unwrap_or(0),
    ]);
    let (scan_t, decode_t, encode_t, xmlrs_t) = (t[0], t[1], t[2], t[3]);
    drop(env);
    COUNTING.store(true, Ordering::SeqCst);
    let (live0, allocs0) = (LIVE.load(Ordering::Relaxed), ALLOCS.load(Ordering::Relaxed));
    let env = decode().map_err(|e| format!("{file}: {e}"))?;
    let (live1, allocs1) = (LIVE.load(Ordering::Relaxed), ALLOCS.load(Ordering::Relaxed));
    COUNTING.store(false, Ordering::SeqCst);
    std::hint::black_box(&env);

    println!("allocator={ALLOCATOR}");
    println!("file_bytes={len}");
    println!("scan_mb_s={:.1}", mb_s(len, scan_t));
    println!("decode_mb_s={:.1}", mb_s(len, decode_t));
    println!("encode_mb_s={:.1}", mb_s(len, encode_t));
    println!("xmlrs_scan_mb_s={:.1}", mb_s(len, xmlrs_t));
    println!("decoded_heap_bytes={}", live1 - live0);
    println!("decoded_allocations={}", allocs1 - allocs0);
    println!(
        "decode_vs_scan={:.2}",
        scan_t.as_secs_f64() / decode_t.as_secs_f64()
    );
    println!(
        "encode_vs_scan={:.2}",
        scan_t.as_secs_f64() / encode_t.as_secs_f64()
    );
    println!(
        "heap_vs_document={:.2}",
        (live1 - live0) as f64 / len as f64
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ews-bench: {e}");
            ExitCode::from(2)
        }
    }
}

//! `bench reader`: the cost of reading Graph against the raw quick-xml floor, one run, medians;
//! `bench graph`: generation, size and cargo builds of a whole document's crates.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// One timing of `f`, in milliseconds.
pub fn time_ms(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64() * 1e3
}

/// Peak resident memory of this process so far, in MiB (Linux `VmHWM`).
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The floor: a quick-xml pass that only counts events.
pub fn raw_events(bytes: &[u8]) -> usize {
    let mut r = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut n = 0;
    loop {
        match r.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Eof) | Err(_) => break,
            Ok(_) => n += 1,
        }
        buf.clear();
    }
    n
}

/// A global allocator that counts the allocations it passes on (one relaxed atomic add each).
pub struct Counting<A> {
    inner: A,
    allocations: std::sync::atomic::AtomicU64,
}

impl<A> Counting<A> {
    /// Wraps an allocator.
    pub const fn new(inner: A) -> Self {
        Counting { inner, allocations: std::sync::atomic::AtomicU64::new(0) }
    }

    /// Allocations (and reallocations) so far.
    pub fn allocations(&self) -> u64 {
        self.allocations.load(std::sync::atomic::Ordering::Relaxed)
    }
}

// SAFETY: every call is forwarded unchanged to the wrapped allocator; counting has no effect on
// the memory handed out.
unsafe impl<A: std::alloc::GlobalAlloc> std::alloc::GlobalAlloc for Counting<A> {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        self.allocations.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // SAFETY: the caller upholds `alloc`'s contract, which is passed on as is.
        unsafe { self.inner.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: as above.
        unsafe { self.inner.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        self.allocations.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { self.inner.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        self.allocations.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { self.inner.realloc(ptr, layout, new_size) }
    }
}

/// What any reader must do at least: the document checked as UTF-8, every event read, every
/// attribute value seen and checked for references, blank text told apart from text; nothing
/// is built.
pub fn tokenize(bytes: &[u8]) -> usize {
    use quick_xml::events::Event;
    let Ok(text) = std::str::from_utf8(bytes) else { return 0 };
    let mut r = quick_xml::Reader::from_str(text);
    let mut n = 0;
    loop {
        match r.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let mut attributes = e.attributes();
                attributes.with_checks(false);
                for a in attributes.flatten() {
                    let escaped = a.value.bytes().any(|c| matches!(c, b'&' | b'\n' | b'\t' | b'\r'));
                    n += a.key.into_inner().len() + a.value.len() + usize::from(escaped);
                }
            }
            Ok(Event::Text(t)) => n += usize::from(!t.bytes().all(|c| c.is_ascii_whitespace())),
            Ok(_) => n += 1,
        }
    }
    n
}

/// Prints the reader table for `file`; `allocations` reads the process's allocation count.
pub fn reader(file: &Path, namespace: &str, runs: usize, allocations: &dyn Fn() -> u64) -> ExitCode {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let name = file.display().to_string();
    let src = codegen::diag::Source::new(&name, &bytes);
    // The stages are measured in turn within every round, so machine noise falls on all alike.
    let mut samples: [Vec<f64>; 5] = Default::default();
    let mut closure_types = 0;
    for _ in 0..runs {
        samples[0].push(time_ms(|| {
            std::hint::black_box(raw_events(&bytes));
        }));
        samples[1].push(time_ms(|| {
            std::hint::black_box(tokenize(&bytes));
        }));
        samples[2].push(time_ms(|| {
            std::hint::black_box(codegen::csdl::read(&src));
        }));
        samples[3].push(time_ms(|| {
            std::hint::black_box(codegen::load(&name, &bytes));
        }));
        samples[4].push(time_ms(|| {
            let (m, _) = codegen::load(&name, &bytes);
            let p = codegen::model::prune::prune(&m.expect("document reads"), namespace).expect("namespace exists");
            closure_types = p.types.len();
        }));
    }
    let before = allocations();
    let (model, _) = codegen::load(&name, &bytes);
    let loading = allocations() - before;
    drop(model);
    let [a, t, b, c, d] = samples.map(|mut v| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    });
    println!("reader benchmark: {} ({:.1} MB), {runs} runs, median", file.display(), bytes.len() as f64 / 1e6);
    println!("| stage | median ms | x floor |");
    println!("|---|---:|---:|");
    for (stage, ms) in [
        ("(a) raw quick-xml events (floor)", a),
        ("events and attribute values, nothing built (what any reader does)", t),
        ("(b) read", b),
        ("(c) read + resolve", c),
        (&format!("(d) read + resolve + prune to {namespace} ({closure_types} types)") as &str, d),
    ] {
        println!("| {stage} | {ms:.1} | {:.2} |", ms / a);
    }
    println!("allocations while reading and resolving: {loading}");
    if let Some(peak) = peak_rss_mib() {
        println!("peak resident memory of the whole run: {peak:.0} MiB");
    }
    ExitCode::SUCCESS
}

/// What `bench graph` measures.
pub struct GraphBench {
    /// The whole document.
    pub file: std::path::PathBuf,
    /// Where the crates and their target directory go.
    pub out: std::path::PathBuf,
    /// The `runtime/` crate.
    pub runtime: std::path::PathBuf,
    /// The workspace's `Cargo.lock`, copied beside the crates so they build with the versions
    /// already fetched.
    pub lock: Option<std::path::PathBuf>,
    /// Generation runs (the median is reported).
    pub runs: usize,
    /// The feature measured alone.
    pub feature: String,
    /// Skip the cargo rows (the crates are still written).
    pub no_compile: bool,
}

/// `bench graph`: generation of a whole document against the raw quick-xml floor, the size of
/// what it writes, then the model crate measured against its serde-derive baseline (the same
/// types as plain `#[derive(Serialize, Deserialize)]`, see `codegen::emit::baseline`):
/// `cargo check` and `cargo build` with every feature and with one, and `cargo doc` with every
/// feature (with the size of its HTML), each with its wall time and peak memory; then the client
/// crate's check rows and the ratios of the two model crates.
pub fn graph(b: &GraphBench) -> ExitCode {
    let bytes = match std::fs::read(&b.file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", b.file.display());
            return ExitCode::from(2);
        }
    };
    let name = b.file.display().to_string();
    let options = codegen::Options {
        namespace: None,
        crate_options: codegen::emit::CrateOptions {
            features: true,
            ..codegen::emit::CrateOptions::new("graph", &b.runtime.display().to_string(), true)
        },
    };
    // Interleaved rounds: the floor, then the stages, then the whole pipeline.
    let mut samples: [Vec<f64>; 7] = Default::default();
    let mut generated = None;
    let mut baseline = None;
    let mut properties = 0;
    for _ in 0..b.runs {
        samples[0].push(time_ms(|| {
            std::hint::black_box(raw_events(&bytes));
        }));
        let t = Instant::now();
        let (model, diags) = codegen::load(&name, &bytes);
        let Some(model) = model.filter(|_| !diags.has_errors()) else {
            eprintln!("error: {name} has errors; run `cargo xtask metadata inspect {name}`");
            return ExitCode::from(1);
        };
        samples[1].push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let plan = codegen::plan::Plan::with_features(&model);
        samples[2].push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let m = codegen::emit::model_crate(&model, &plan, &options.crate_options);
        samples[3].push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let c = codegen::emit::client_crate(&model, &plan, &options.crate_options);
        samples[4].push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let s = codegen::emit::baseline::serde_baseline_crate(&model, &plan, &options.crate_options);
        samples[5].push(t.elapsed().as_secs_f64() * 1e3);
        if let Err(e) = m.as_ref().and(c.as_ref()).and(s.as_ref()) {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
        // Declared properties, each once: inherited ones are counted where they are declared.
        properties =
            model.types.iter().filter_map(|t| t.structured()).map(|s| s.properties.len() + s.navigation.len()).sum();
        baseline = s.ok();
        drop((model, plan, m, c));
        let t = Instant::now();
        let g = codegen::generate(&name, &bytes, &options);
        samples[6].push(t.elapsed().as_secs_f64() * 1e3);
        generated = g.ok();
    }
    let [floor, load, plan, model, client, serde, total] = samples.map(|mut v| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    });
    let (Some(generated), Some(baseline)) = (generated, baseline) else {
        eprintln!("error: generation failed");
        return ExitCode::from(1);
    };
    println!(
        "whole-document benchmark: {} ({:.1} MB), {} rounds, median, {} threads",
        b.file.display(),
        bytes.len() as f64 / 1e6,
        b.runs,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!("| generation stage | median ms | x floor |");
    println!("|---|---:|---:|");
    for (stage, ms) in [
        ("raw quick-xml events (floor)", floor),
        ("read + resolve", load),
        ("plan (names, boxing, features)", plan),
        ("emit + format the model crate", model),
        ("emit + format the client crate", client),
        ("emit + format the serde-derive baseline (not part of generation)", serde),
        ("whole generation (`codegen::generate`)", total),
    ] {
        println!("| {stage} | {ms:.0} | {:.1} |", ms / floor);
    }

    let files: Vec<(&String, &String)> = generated.files.iter().chain(&baseline).collect();
    let mut size: std::collections::BTreeMap<&str, (usize, usize, usize)> = Default::default();
    for (path, text) in &files {
        let krate = path.split('/').next().unwrap_or_default();
        let e = size.entry(krate).or_default();
        if path.ends_with(".rs") {
            e.0 += 1;
            e.1 += text.len();
            e.2 += text.lines().count();
        }
    }
    let features = generated
        .files
        .get("graph-model/Cargo.toml")
        .map_or(0, |t| t.lines().skip_while(|l| *l != "[features]").filter(|l| l.ends_with(" = []")).count());
    let lines = |k: &str| size.get(k).map_or(0, |e| e.2);
    let per_property = |k: &str| lines(k) as f64 / properties.max(1) as f64;
    println!();
    println!("| generated crate | .rs files | bytes | lines |");
    println!("|---|---:|---:|---:|");
    for (k, (files, bytes, lines)) in &size {
        println!("| {k} | {files} | {bytes} | {lines} |");
    }
    println!(
        "| lines per property of graph-model ({properties} declared, structural and navigation) | | | {:.1} |",
        per_property(MODEL)
    );
    println!("| lines per property of graph-serde | | | {:.1} |", per_property(SERDE));
    println!("model crate features: {features}");

    // The crates are written also without the cargo rows, to be built by hand.
    let crates = b.out.join("crates");
    let _ = std::fs::remove_dir_all(&crates);
    let mut writes: Vec<(std::path::PathBuf, Vec<u8>)> =
        files.iter().map(|(p, t)| (crates.join(p), t.as_bytes().to_vec())).collect();
    if let Some(lock) = b.lock.as_ref().and_then(|l| std::fs::read(l).ok()) {
        for k in size.keys() {
            writes.push((crates.join(k).join("Cargo.lock"), lock.clone()));
        }
    }
    if let Err(e) = crate::fsx::write_all_atomic(&writes) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    if b.no_compile {
        println!("crates written to {}", crates.display());
        return ExitCode::SUCCESS;
    }
    let target = b.out.join("target");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = |k: &str| crates.join(k).join("Cargo.toml");
    let run = |args: &[&str], krate: &str| {
        let mut c = std::process::Command::new(&cargo);
        c.args(args)
            .arg("--quiet")
            .arg("--manifest-path")
            .arg(manifest(krate))
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_INCREMENTAL", "0");
        c
    };
    // Dependencies first, for both profiles, so the rows measure the generated crate alone.
    for cmd in ["check", "build"] {
        for k in [MODEL, CLIENT, SERDE] {
            if let Err(e) = measure(&mut run(&[cmd], k)) {
                eprintln!("error: cargo {cmd} of {k} without features: {e}");
                return ExitCode::from(1);
            }
        }
    }
    println!();
    println!("| cargo (dependencies built, generated crate from scratch) | wall s | peak memory MiB |");
    println!("|---|---:|---:|");
    let feature_arg = format!("--features={}", b.feature);
    // The crate is cleaned (its HTML too) before each row.
    let row = |k: &str, args: &[&str]| -> Result<Measured, ()> {
        let clean = run(&["clean", "-p", k], k).status();
        let html = target.join("doc").join(k.replace('-', "_"));
        let _ = std::fs::remove_dir_all(&html);
        if !clean.is_ok_and(|s| s.success()) {
            eprintln!("error: cargo clean -p {k} failed");
            return Err(());
        }
        let label = format!("`cargo {}` of {k}", args.join(" "));
        match measure(&mut run(args, k)) {
            Ok((secs, peak)) => {
                let html_mb = (args[0] == "doc").then(|| dir_bytes(&html) as f64 / 1e6);
                let label = match html_mb {
                    Some(mb) => format!("{label} ({mb:.1} MB of HTML)"),
                    None => label,
                };
                println!("| {label} | {secs:.1} | {} |", mib(peak));
                Ok(Measured { secs, peak, html_mb })
            }
            Err(e) => {
                eprintln!("error: {label}: {e}");
                Err(())
            }
        }
    };
    // Model crate and baseline side by side, row by row.
    let compared: [&[&str]; 5] = [
        &["check", "--all-features"],
        &["check", &feature_arg],
        &["build", "--all-features"],
        &["build", &feature_arg],
        &["doc", "--no-deps", "--all-features"],
    ];
    let mut pairs = Vec::new();
    for args in compared {
        let (Ok(m), Ok(s)) = (row(MODEL, args), row(SERDE, args)) else { return ExitCode::from(1) };
        pairs.push((args.join(" "), m, s));
    }
    for (k, args) in [
        (MODEL, &["check", "--no-default-features"] as &[&str]),
        (CLIENT, &["check", &feature_arg]),
        (CLIENT, &["check", "--all-features"]),
    ] {
        if row(k, args).is_err() {
            return ExitCode::from(1);
        }
    }

    println!();
    println!("model vs serde-derive baseline:");
    println!();
    println!("| | {MODEL} | {SERDE} | model / serde |");
    println!("|---|---:|---:|---:|");
    let ratio = |m: f64, s: f64| if s > 0.0 { format!("{:.2}", m / s) } else { "n/a".into() };
    let (lm, ls) = (lines(MODEL) as f64, lines(SERDE) as f64);
    println!("| .rs lines | {lm:.0} | {ls:.0} | {} |", ratio(lm, ls));
    println!("| lines per property | {:.1} | {:.1} | {} |", per_property(MODEL), per_property(SERDE), ratio(lm, ls));
    for (args, m, s) in &pairs {
        println!("| `cargo {args}` wall s | {:.1} | {:.1} | {} |", m.secs, s.secs, ratio(m.secs, s.secs));
        if let (Some(pm), Some(ps)) = (m.peak, s.peak) {
            println!(
                "| `cargo {args}` peak MiB | {} | {} | {} |",
                mib(m.peak),
                mib(s.peak),
                ratio(pm as f64, ps as f64)
            );
        }
        if let (Some(hm), Some(hs)) = (m.html_mb, s.html_mb) {
            println!("| `cargo {args}` HTML MB | {hm:.1} | {hs:.1} | {} |", ratio(hm, hs));
        }
    }
    ExitCode::SUCCESS
}

/// The crates `bench graph` builds.
const MODEL: &str = "graph-model";
const CLIENT: &str = "graph-client";
const SERDE: &str = "graph-serde";

/// One measured cargo run.
struct Measured {
    secs: f64,
    /// Peak resident memory in KiB, where known.
    peak: Option<u64>,
    /// The size of the crate's HTML, for `cargo doc`.
    html_mb: Option<f64>,
}

/// KiB as whole MiB, or `n/a`.
fn mib(kib: Option<u64>) -> String {
    kib.map_or("n/a".to_string(), |kib| format!("{:.0}", kib as f64 / 1024.0))
}

/// The bytes of every file under `dir`.
fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_bytes(&e.path()),
            Ok(_) => e.metadata().map_or(0, |m| m.len()),
            Err(_) => 0,
        })
        .sum()
}

/// Runs `cmd` to the end: wall seconds and, on Unix, the peak resident memory in KiB of the
/// largest process of its tree (the kernel keeps the maximum over reaped descendants).
fn measure(cmd: &mut std::process::Command) -> Result<(f64, Option<u64>), String> {
    let start = Instant::now();
    let child = cmd.spawn().map_err(|e| format!("cannot start cargo: {e}"))?;
    #[cfg(unix)]
    {
        let pid = child.id() as libc::pid_t;
        let mut status: libc::c_int = 0;
        // SAFETY: `rusage` is plain data that wait4 fills in; a zeroed value is a valid start.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: the pid is our own child, not yet waited for; both pointers are to live locals.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        let secs = start.elapsed().as_secs_f64();
        if r != pid {
            return Err(format!("wait4 failed: {}", std::io::Error::last_os_error()));
        }
        use std::os::unix::process::ExitStatusExt;
        let st = std::process::ExitStatus::from_raw(status);
        if !st.success() {
            return Err(format!("exited with {st}"));
        }
        // Linux reports ru_maxrss in KiB.
        Ok((secs, Some(usage.ru_maxrss as u64)))
    }
    #[cfg(not(unix))]
    {
        let mut child = child;
        let st = child.wait().map_err(|e| e.to_string())?;
        if !st.success() {
            return Err(format!("exited with {st}"));
        }
        Ok((start.elapsed().as_secs_f64(), None))
    }
}

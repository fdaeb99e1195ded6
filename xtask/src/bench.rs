//! `bench reader`: the cost of reading Graph against the raw quick-xml floor, one run, medians.

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

/// Prints the reader table for `file`.
pub fn reader(file: &Path, namespace: &str, runs: usize) -> ExitCode {
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
    let mut samples: [Vec<f64>; 4] = Default::default();
    let mut closure_types = 0;
    for _ in 0..runs {
        samples[0].push(time_ms(|| {
            std::hint::black_box(raw_events(&bytes));
        }));
        samples[1].push(time_ms(|| {
            std::hint::black_box(codegen::csdl::read(&src));
        }));
        samples[2].push(time_ms(|| {
            std::hint::black_box(codegen::load(&name, &bytes));
        }));
        samples[3].push(time_ms(|| {
            let (m, _) = codegen::load(&name, &bytes);
            let p = codegen::model::prune::prune(&m.expect("document reads"), namespace).expect("namespace exists");
            closure_types = p.types.len();
        }));
    }
    let [a, b, c, d] = samples.map(|mut v| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    });
    println!("reader benchmark: {} ({:.1} MB), {runs} runs, median", file.display(), bytes.len() as f64 / 1e6);
    println!("| stage | median ms | x floor |");
    println!("|---|---:|---:|");
    for (stage, ms) in [
        ("(a) raw quick-xml events (floor)", a),
        ("(b) read", b),
        ("(c) read + resolve", c),
        (&format!("(d) read + resolve + prune to {namespace} ({closure_types} types)") as &str, d),
    ] {
        println!("| {stage} | {ms:.1} | {:.2} |", ms / a);
    }
    if let Some(peak) = peak_rss_mib() {
        println!("peak resident memory of the whole run: {peak:.0} MiB");
    }
    ExitCode::SUCCESS
}

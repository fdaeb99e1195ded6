//! Deserializing the seed's "sessions with segments" response: into `serde_json::Value`,
//! into `IgnoredAny` (the floor), into the generated types, and serializing those back.
//! One run, medians; `cargo bench -p tests --bench model`.

use std::hint::black_box;
use std::time::Instant;

use callrecords_model::call_records::Session;
use odata_runtime::serde::de::IgnoredAny;
use odata_runtime::serde_json::{self, Value};
use odata_runtime::Collection;

fn time_us(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64() * 1e6
}

fn main() {
    let Some(shared) = tests::shared_dir() else { return };
    let page = std::fs::read_to_string(shared.join("seeds/004_968abc579a38aa9e.txt")).expect("seed page");
    let start = page.rfind("```http\nHTTP/1.1").expect("second response");
    let block = &page[start..];
    let body = &block[block.find('{').unwrap()..block[8..].find("\n```").unwrap() + 8];
    let runs = 1001;
    // Each sample repeats the body 20 times so timer resolution does not matter, and the four
    // steps are measured in turn within every round, so machine noise falls on all of them alike.
    let reps = 20;
    let typed: Collection<Session> = serde_json::from_str(body).unwrap();
    let mut samples: [Vec<f64>; 4] = Default::default();
    for _ in 0..runs {
        samples[0].push(time_us(|| {
            for _ in 0..reps {
                black_box(serde_json::from_str::<Value>(black_box(body)).unwrap());
            }
        }));
        samples[1].push(time_us(|| {
            for _ in 0..reps {
                black_box(serde_json::from_str::<IgnoredAny>(black_box(body)).unwrap());
            }
        }));
        samples[2].push(time_us(|| {
            for _ in 0..reps {
                black_box(serde_json::from_str::<Collection<Session>>(black_box(body)).unwrap());
            }
        }));
        samples[3].push(time_us(|| {
            for _ in 0..reps {
                black_box(serde_json::to_string(black_box(&typed)).unwrap());
            }
        }));
    }
    let [a, b, c, d] = samples.map(|mut v| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2] / reps as f64
    });
    println!(
        "model benchmark: seed \"sessions with segments\" response ({} bytes), {runs} runs x {reps}, median per body",
        body.len()
    );
    println!("| step | median us | vs Value | vs IgnoredAny |");
    println!("|---|---:|---:|---:|");
    for (name, us) in [
        ("(a) deserialize into serde_json::Value", a),
        ("(b) deserialize into IgnoredAny (floor)", b),
        ("(c) deserialize into Collection<Session>", c),
        ("(d) serialize (c) back to JSON", d),
    ] {
        println!("| {name} | {us:.2} | {:.2} | {:.2} |", us / a, us / b);
    }
}

//! `fuzz`: feeds mutated metadata to every stage for a given time and reports how many inputs
//! were tried; any panic is saved and ends the run with exit 1.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::mutate::{mutate, Rng};

/// Runs for `seconds`, starting from `file` and the documents it references (each input
/// mutates one document of the set, so references, aliases and types across documents are
/// fuzzed too).
pub fn run(file: &Path, seconds: u64, seed: u64, refs: &crate::load::References) -> ExitCode {
    let loaded = match crate::load::load_file(file, refs) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let documents = loaded.documents;
    std::panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng::new(seed);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut tried, mut rejected) = (0u64, 0u64);
    let plain = codegen::Options {
        namespace: None,
        crate_options: codegen::emit::CrateOptions::new("fuzz", "../runtime", true),
    };
    // Every other input is generated split into cargo features, as services with a container are.
    let split = codegen::Options {
        crate_options: codegen::emit::CrateOptions { features: true, ..plain.crate_options.clone() },
        ..plain.clone()
    };
    while Instant::now() < deadline {
        let which = rng.below(documents.len());
        let input = mutate(&documents[which].1, &mut rng);
        let set: Vec<codegen::Document<'_>> = documents
            .iter()
            .enumerate()
            .map(|(i, (name, bytes))| codegen::Document {
                name: name.clone(),
                bytes: if i == which { &input } else { bytes },
            })
            .collect();
        tried += 1;
        let outcome = std::panic::catch_unwind(|| {
            let (model, diags) = codegen::load_set(&set);
            let _ = diags.iter().map(ToString::to_string).count();
            if let Some(m) = model {
                for s in &m.schemas {
                    if let Ok(p) = codegen::model::prune::prune(&m, &s.namespace) {
                        let _ = codegen::model::write::write(&p);
                    }
                }
            }
            // Plan and emit too, on everything that resolves.
            let options = if tried % 2 == 0 { &plain } else { &split };
            let _ = codegen::generate_set(&set, options);
            diags.has_errors()
        });
        match outcome {
            Ok(true) => rejected += 1,
            Ok(false) => {}
            Err(_) => {
                let path = std::env::temp_dir().join(format!("odata-fuzz-panic-{seed}-{tried}.xml"));
                let _ = std::fs::write(&path, &input);
                eprintln!("panic on input {tried} (a mutation of {}); saved to {}", documents[which].0, path.display());
                return ExitCode::from(1);
            }
        }
    }
    println!(
        "{tried} inputs in {seconds} s from {} ({} documents, seed {seed}): no panic; {rejected} rejected with errors, {} accepted",
        file.display(),
        documents.len(),
        tried - rejected
    );
    ExitCode::SUCCESS
}

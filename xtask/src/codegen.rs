//! `codegen`: regenerates the crates from metadata, or with `--check` says what is stale.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::emit::{CrateOptions, Files};

use crate::settings::Settings;
use crate::{fsx, report};

/// Where and what to generate.
pub struct Request {
    /// Metadata file; `None`: the embedded `metadata/`.
    pub metadata: Option<PathBuf>,
    /// Namespace to prune to; `None`: the settings' namespace.
    pub namespace: Option<String>,
    /// Output directory; `None`: `generated/`.
    pub out: Option<PathBuf>,
    /// Crate name prefix; `None`: the settings' prefix.
    pub crate_prefix: Option<String>,
    /// Compare instead of writing.
    pub check: bool,
}

/// Runs the command.
pub fn run(root: &Path, req: Request) -> ExitCode {
    let settings = match Settings::load(&root.join(Settings::PATH)) {
        Ok(s) => s,
        Err(e) if req.metadata.is_some() => {
            let _ = e;
            Settings::default()
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let metadata = req.metadata.clone().unwrap_or_else(|| root.join(Settings::METADATA));
    let bytes = match std::fs::read(&metadata) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", metadata.display());
            return ExitCode::from(2);
        }
    };
    let out = req.out.clone().unwrap_or_else(|| root.join("generated"));
    let standalone = req.out.is_some();
    let runtime = root.join("runtime");
    let runtime_path = if standalone {
        std::fs::canonicalize(&runtime).unwrap_or(runtime).display().to_string()
    } else {
        "../../runtime".to_string()
    };
    let namespace = req.namespace.clone().unwrap_or(settings.namespace.clone());
    let options = codegen::Options {
        namespace: Some(namespace),
        crate_options: CrateOptions {
            crate_prefix: req.crate_prefix.clone().unwrap_or(settings.crate_prefix.clone()),
            runtime_path,
            standalone,
        },
    };
    let display_name = metadata.strip_prefix(root).unwrap_or(&metadata).display().to_string();
    let generated = match codegen::generate(&display_name, &bytes, &options) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("{e}");
            eprintln!("error: generation failed; {} is untouched", out.display());
            return ExitCode::from(1);
        }
    };
    report::print(&generated.diagnostics);
    if req.check {
        check(&out, &generated.files)
    } else {
        write(&out, &generated.files)
    }
}

/// Files on disk below the crate directories that the generator owns.
fn existing(out: &Path, files: &Files) -> BTreeSet<String> {
    let crates: BTreeSet<&str> = files.keys().filter_map(|k| k.split('/').next()).collect();
    let mut found = BTreeSet::new();
    for c in crates {
        let mut stack = vec![out.join(c)];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for e in entries.flatten() {
                let p = e.path();
                if p.file_name().is_some_and(|n| n == "target" || n == "Cargo.lock") {
                    continue;
                }
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(rel) = p.strip_prefix(out) {
                    found.insert(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
    }
    found
}

fn write(out: &Path, files: &Files) -> ExitCode {
    let list: Vec<(PathBuf, Vec<u8>)> = files.iter().map(|(k, v)| (out.join(k), v.clone().into_bytes())).collect();
    if let Err(e) = fsx::write_all_atomic(&list) {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    let stale: Vec<String> = existing(out, files).into_iter().filter(|f| !files.contains_key(f)).collect();
    for f in &stale {
        let _ = std::fs::remove_file(out.join(f));
    }
    println!(
        "generated {} files in {}{}",
        files.len(),
        out.display(),
        if stale.is_empty() { String::new() } else { format!(" ({} stale removed)", stale.len()) }
    );
    ExitCode::SUCCESS
}

fn check(out: &Path, files: &Files) -> ExitCode {
    let mut problems = Vec::new();
    for (rel, text) in files {
        match std::fs::read_to_string(out.join(rel)) {
            Ok(old) if &old == text => {}
            Ok(old) => problems.push((rel.clone(), Some(old), Some(text.clone()))),
            Err(_) => problems.push((rel.clone(), None, Some(text.clone()))),
        }
    }
    for f in existing(out, files) {
        if !files.contains_key(&f) {
            problems.push((f.clone(), std::fs::read_to_string(out.join(&f)).ok(), None));
        }
    }
    if problems.is_empty() {
        println!("{} generated files are up to date", files.len());
        return ExitCode::SUCCESS;
    }
    eprintln!("generated code is stale: {} files differ from what the metadata produces", problems.len());
    for (rel, old, new) in &problems {
        match (old, new) {
            (None, _) => eprintln!("  missing: {rel}"),
            (_, None) => eprintln!("  not generated any more: {rel}"),
            (Some(o), Some(n)) => {
                eprintln!("  changed: {rel}");
                let diff = similar::TextDiff::from_lines(o.as_str(), n.as_str());
                let text =
                    diff.unified_diff().context_radius(2).header(&format!("a/{rel}"), &format!("b/{rel}")).to_string();
                for line in text.lines().take(40) {
                    eprintln!("    {line}");
                }
            }
        }
    }
    eprintln!("run `cargo xtask codegen` to update generated/");
    ExitCode::from(1)
}

//! `metadata update`: prunes a full `$metadata` document to the configured namespace's closure
//! and writes it, canonical, into `metadata/`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::settings::Settings;
use crate::{fsx, report};

/// Runs the command from the workspace root.
pub fn run(root: &Path, from: &Path, namespace: Option<String>) -> ExitCode {
    let settings_path = root.join(Settings::PATH);
    let mut settings = match Settings::load(&settings_path) {
        Ok(s) => s,
        Err(e) if namespace.is_some() => {
            let _ = e;
            Settings::default()
        }
        Err(e) => {
            eprintln!("error: {e}; pass --namespace to create it");
            return ExitCode::from(2);
        }
    };
    if let Some(ns) = namespace {
        settings.namespace = ns;
    }
    let bytes = match std::fs::read(from) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", from.display());
            return ExitCode::from(2);
        }
    };
    let text = match prune_to_text(&from.display().to_string(), &bytes, &settings.namespace) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let target: PathBuf = root.join(Settings::METADATA);
    let files = [(target.clone(), text.into_bytes()), (settings_path, settings.to_json().into_bytes())];
    if let Err(e) = fsx::write_all_atomic(&files) {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    println!("wrote {} (closure of {})", target.display(), settings.namespace);
    ExitCode::SUCCESS
}

/// Reads, resolves and prunes a document; prints diagnostics; returns the canonical text.
pub fn prune_to_text(name: &str, bytes: &[u8], namespace: &str) -> Result<String, ExitCode> {
    let (model, diags) = codegen::load(name, bytes);
    report::print(&diags);
    let Some(model) = model.filter(|_| !diags.has_errors()) else {
        eprintln!("error: {name} has {} errors; nothing written", diags.error_count());
        return Err(ExitCode::from(1));
    };
    let pruned = match codegen::model::prune::prune(&model, namespace) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(ExitCode::from(1));
        }
    };
    Ok(codegen::csdl::write::write(&pruned))
}

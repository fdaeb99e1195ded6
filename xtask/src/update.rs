//! `metadata update`: takes a full `$metadata` (file or URL), prunes it to the configured
//! namespace's closure, prints the schema diff against the current `metadata/`, regenerates the
//! crates, bumps their version as the diff says and prepends a changelog entry. Everything is
//! computed first; files are written only when every step succeeded.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use codegen::model::diff::{self, Bump, Change, Class};

use crate::settings::Settings;
use crate::{codegen as gen, fsx, report, schema_diff};

/// How long a download may take.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Runs the command from the workspace root.
pub fn run(root: &Path, from: &str, namespace: Option<String>, refs: &crate::load::References) -> ExitCode {
    match update(root, from, namespace, refs) {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            eprintln!("nothing was written");
            ExitCode::from(code)
        }
    }
}

type Failure = (u8, String);

fn update(root: &Path, from: &str, namespace: Option<String>, refs: &crate::load::References) -> Result<(), Failure> {
    let settings_path = root.join(Settings::PATH);
    let mut settings = match (Settings::load(&settings_path), &namespace) {
        (Ok(s), _) => s,
        (Err(_), Some(_)) => Settings::default(),
        (Err(e), None) => return Err((2, format!("{e}; pass --namespace to create it"))),
    };
    if let Some(ns) = namespace {
        settings.namespace = ns;
    }
    let bytes = fetch(from)?;
    // References by URL are fetched too (same origin only), when the document came by URL.
    let download = |url: &str| fetch(url).map_err(|(_, m)| m);
    let loaded = crate::load::load(from, bytes, refs, Some(&download));
    loaded.print_notes();
    let text = prune_to_text(&loaded.set(), &settings.namespace).map_err(|code| (code, String::new()))?;

    // The diff against what metadata/ holds now.
    let metadata_path = root.join(Settings::METADATA);
    let changes: Vec<Change> = match std::fs::read(&metadata_path) {
        Ok(old_bytes) => {
            let (old, d) = codegen::load(&metadata_path.display().to_string(), &old_bytes);
            let old = old.filter(|_| !d.has_errors()).ok_or_else(|| {
                report::print(&d);
                (1, format!("{} does not read; fix or delete it", metadata_path.display()))
            })?;
            let (new, _) = codegen::load("new metadata", text.as_bytes());
            let new = new.ok_or((1, "the pruned document does not read back".to_string()))?;
            diff::diff_namespace(&old, &new, &settings.namespace)
        }
        Err(_) => Vec::new(),
    };
    println!("{}\n", schema_diff::text(&changes));

    let old_text = std::fs::read_to_string(&metadata_path).ok();
    let changelog_path = root.join(Settings::CHANGELOG);
    let old_log = std::fs::read_to_string(&changelog_path).ok();
    let (version, log) = if old_text.as_deref() == Some(text.as_str()) {
        println!("metadata/ already holds this schema");
        (settings.version.clone(), old_log)
    } else {
        let major = settings.version.split('.').next().and_then(|m| m.parse().ok()).unwrap_or(0);
        let bump = diff::bump(&changes, major);
        let version = bumped(&settings.version, bump);
        println!("version {} -> {version} ({} bump)", settings.version, bump.as_str());
        (version.clone(), Some(prepend_entry(old_log.as_deref(), &version, &source_label(from), &changes)))
    };
    settings.version = version;

    // Generate in memory with the new metadata before anything is written.
    let options = gen::embedded_options(&settings, log.clone());
    // The annotation documents stay and apply to the new schema; one that targets what the new
    // schema no longer has is a warning with its location.
    let mut annotation_docs = Vec::new();
    for a in &settings.annotations {
        let path = root.join("metadata").join(a);
        let bytes = std::fs::read(&path).map_err(|e| (1, format!("cannot read {}: {e}", path.display())))?;
        annotation_docs.push((format!("metadata/{a}"), bytes));
    }
    let mut set = vec![codegen::Document { name: "metadata/metadata.xml".into(), bytes: text.as_bytes() }];
    set.extend(annotation_docs.iter().map(|(name, bytes)| codegen::Document { name: name.clone(), bytes }));
    let generated = codegen::generate_set(&set, &options).map_err(|e| (1, e.to_string()))?;
    report::print(&generated.diagnostics);

    let out = root.join("generated");
    let mut files: Vec<(PathBuf, Vec<u8>)> =
        generated.files.iter().map(|(k, v)| (out.join(k), v.clone().into_bytes())).collect();
    files.push((metadata_path.clone(), text.into_bytes()));
    files.push((settings_path, settings.to_json().into_bytes()));
    if let Some(log) = log {
        files.push((changelog_path, log.into_bytes()));
    }
    fsx::write_all_atomic(&files).map_err(|e| (1, e))?;
    let removed = gen::remove_stale(&out, &generated.files);
    println!(
        "wrote {} (closure of {}), {} generated files{}",
        metadata_path.display(),
        settings.namespace,
        generated.files.len(),
        if removed > 0 { format!(", {removed} stale removed") } else { String::new() }
    );
    Ok(())
}

/// Reads a file, or downloads an `http://` or `https://` URL with a timeout.
fn fetch(from: &str) -> Result<Vec<u8>, Failure> {
    if from.starts_with("http://") || from.starts_with("https://") {
        let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(TIMEOUT)).build().into();
        let mut response = agent.get(from).call().map_err(|e| (2, format!("cannot download {from}: {e}")))?;
        let body = response
            .body_mut()
            .with_config()
            .limit(256 * 1024 * 1024)
            .read_to_vec()
            .map_err(|e| (2, format!("cannot read the body of {from}: {e}")))?;
        Ok(body)
    } else {
        std::fs::read(from).map_err(|e| (2, format!("cannot read {from}: {e}")))
    }
}

/// `0.1.0` bumped.
pub fn bumped(version: &str, bump: Bump) -> String {
    let mut parts: Vec<u64> = version.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    parts.resize(3, 0);
    match bump {
        Bump::Major => parts = vec![parts[0] + 1, 0, 0],
        Bump::Minor => parts = vec![parts[0], parts[1] + 1, 0],
        Bump::Patch => parts[2] += 1,
        Bump::None => {}
    }
    format!("{}.{}.{}", parts[0], parts[1], parts[2])
}

/// How the changelog names the input: a URL as given, a file by its name only (the committed
/// changelog must not hold a path of the machine it was made on).
pub fn source_label(from: &str) -> String {
    if from.starts_with("http://") || from.starts_with("https://") {
        return from.to_string();
    }
    Path::new(from).file_name().map_or_else(|| from.to_string(), |n| n.to_string_lossy().into_owned())
}

/// A changelog with a new entry on top; breaking changes say what a user must change.
fn prepend_entry(old: Option<&str>, version: &str, source: &str, changes: &[Change]) -> String {
    let mut entry = format!("## {version}\n\nRegenerated from `{source}`.\n");
    for (class, title) in [(Class::Breaking, "Breaking"), (Class::Additive, "Added"), (Class::None, "No API change")] {
        let items: Vec<&Change> = changes.iter().filter(|c| c.class == class).collect();
        if items.is_empty() {
            continue;
        }
        entry.push_str(&format!("\n### {title}\n\n"));
        for c in items {
            match c.advice() {
                Some(advice) => entry.push_str(&format!("- `{}`: {}. To do: {advice}.\n", c.path, c.detail)),
                None => entry.push_str(&format!("- `{}`: {}\n", c.path, c.detail)),
            }
        }
    }
    if changes.is_empty() {
        entry.push_str("\nNo schema changes.\n");
    }
    let rest = old.map(|o| o.trim_start_matches("# Changelog").trim_start()).unwrap_or("");
    format!("# Changelog\n\n{entry}\n{rest}").trim_end().to_string() + "\n"
}

/// Reads, resolves and prunes a document set; prints diagnostics; returns the canonical text.
pub fn prune_to_text(docs: &[codegen::Document<'_>], namespace: &str) -> Result<String, u8> {
    let name = docs.first().map_or("", |d| d.name.as_str());
    let (model, diags) = codegen::load_set(docs);
    report::print(&diags);
    let Some(model) = model.filter(|_| !diags.has_errors()) else {
        eprintln!("error: {name} has {} errors", diags.error_count());
        return Err(1);
    };
    let pruned = codegen::model::prune::prune(&model, namespace).map_err(|e| {
        eprintln!("error: {e}");
        1
    })?;
    Ok(codegen::model::write::write(&pruned))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_bump_as_semver_says() {
        assert_eq!(bumped("0.1.0", Bump::Minor), "0.2.0");
        assert_eq!(bumped("0.1.3", Bump::Patch), "0.1.4");
        assert_eq!(bumped("1.4.2", Bump::Major), "2.0.0");
        assert_eq!(bumped("0.1.0", Bump::None), "0.1.0");
    }

    #[test]
    fn the_changelog_names_a_file_by_its_name_and_a_url_as_given() {
        assert_eq!(source_label("/home/someone/data/graph-beta.xml"), "graph-beta.xml");
        assert_eq!(source_label("../shared/metadata/graph-beta.xml"), "graph-beta.xml");
        assert_eq!(
            source_label("https://graph.microsoft.com/beta/$metadata"),
            "https://graph.microsoft.com/beta/$metadata"
        );
    }
}

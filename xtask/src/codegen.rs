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
    /// Generate every namespace of the document (no pruning).
    pub all_namespaces: bool,
    /// Keys as path segments whatever the service says (`--key-as-segment`).
    pub key_as_segment: bool,
    /// Compare instead of writing.
    pub check: bool,
    /// `--reference URI=FILE` mappings for referenced documents.
    pub references: crate::load::References,
    /// Annotation documents applied to the service document (`--annotations`); none given:
    /// the settings' for the embedded metadata.
    pub annotations: Vec<PathBuf>,
    /// Ignore the service's Capabilities restrictions (`--ignore-restrictions`).
    pub ignore_restrictions: bool,
}

/// Runs the command.
pub fn run(root: &Path, req: Request) -> ExitCode {
    let settings = match Settings::load(&root.join(Settings::PATH)) {
        Ok(s) => s,
        // Any CSDL can be generated without settings; the embedded one needs them.
        Err(_) if req.metadata.is_some() => Settings::default(),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let jobs = jobs(root, &req, &settings);
    run_jobs(root, &jobs, req.check, &req.references)
}

/// The default generation: `metadata/` into `generated/`, and every fixture into `tests/generated/`.
pub fn embedded_jobs(root: &Path) -> Result<Vec<Job>, String> {
    let settings = Settings::load(&root.join(Settings::PATH))?;
    let req = Request {
        metadata: None,
        namespace: None,
        out: None,
        crate_prefix: None,
        all_namespaces: false,
        key_as_segment: false,
        check: true,
        references: Default::default(),
        annotations: Vec::new(),
        ignore_restrictions: false,
    };
    Ok(jobs(root, &req, &settings))
}

/// The options of the embedded generation (`metadata/` into `generated/`).
pub fn embedded_options(settings: &Settings, changelog: Option<String>) -> codegen::Options {
    codegen::Options {
        namespace: Some(settings.namespace.clone()),
        crate_options: CrateOptions {
            version: settings.version.clone(),
            changelog,
            key_as_segment: settings.key_as_segment,
            package: settings.package.clone(),
            ..CrateOptions::new(&settings.crate_prefix, "../../runtime", false)
        },
    }
}

/// Removes files below the generated crates' directories that `files` no longer has.
pub fn remove_stale(out: &Path, files: &Files) -> usize {
    let stale: Vec<String> = existing(out, files).into_iter().filter(|f| !files.contains_key(f)).collect();
    for f in &stale {
        let _ = std::fs::remove_file(out.join(f));
    }
    stale.len()
}

fn jobs(root: &Path, req: &Request, settings: &Settings) -> Vec<Job> {
    let mut jobs: Vec<Job> = Vec::new();
    let embedded = req.metadata.is_none() && req.out.is_none();
    let metadata = req.metadata.clone().unwrap_or_else(|| root.join(Settings::METADATA));
    let out = req.out.clone().unwrap_or_else(|| root.join("generated"));
    let standalone = req.out.is_some();
    let runtime = root.join("runtime");
    let runtime_path = if standalone {
        std::fs::canonicalize(&runtime).unwrap_or(runtime).display().to_string()
    } else {
        "../../runtime".to_string()
    };
    // The embedded crates carry the recorded version and changelog; flags override the rest.
    let mut options = if embedded {
        embedded_options(settings, std::fs::read_to_string(root.join(Settings::CHANGELOG)).ok())
    } else {
        codegen::Options {
            namespace: Some(settings.namespace.clone()),
            crate_options: CrateOptions {
                key_as_segment: settings.key_as_segment && req.metadata.is_none(),
                ..CrateOptions::new(&settings.crate_prefix, &runtime_path, standalone)
            },
        }
    };
    if let Some(ns) = &req.namespace {
        options.namespace = Some(ns.clone());
    }
    if req.all_namespaces {
        // A whole document is split into cargo features, so a user compiles what they use.
        options.namespace = None;
        options.crate_options.features = true;
    }
    if req.key_as_segment {
        options.crate_options.key_as_segment = true;
    }
    if let Some(prefix) = &req.crate_prefix {
        options.crate_options.crate_prefix = prefix.clone();
    }
    options.crate_options.ignore_restrictions = req.ignore_restrictions;
    // The embedded metadata's annotation documents sit beside it in metadata/.
    let annotations = if req.metadata.is_none() && req.annotations.is_empty() {
        settings.annotation_paths(root)
    } else {
        req.annotations.clone()
    };
    jobs.push(Job { metadata, out, options, annotations });
    if embedded {
        // The per-concern fixtures are generated and compiled with the workspace too.
        jobs.extend(fixture_jobs(root));
    }
    jobs
}

/// Generates every job, then writes (or checks) them all; nothing is written if any fails.
fn run_jobs(root: &Path, jobs: &[Job], check_only: bool, refs: &crate::load::References) -> ExitCode {
    let mut results = Vec::new();
    for job in jobs {
        let mut loaded = match crate::load::load_with_annotations(&job.metadata, &job.annotations, refs) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        loaded.relative_to(root);
        loaded.print_notes();
        match ::codegen::generate_set(&loaded.set(), &job.options) {
            Ok(g) => {
                report::print(&g.diagnostics);
                results.push((job.out.clone(), g.files));
            }
            Err(e) => {
                eprintln!("{e}");
                eprintln!("error: generation failed; nothing was written");
                return ExitCode::from(1);
            }
        }
    }
    let mut code = ExitCode::SUCCESS;
    for (out, files) in &results {
        let c = if check_only { check(out, files) } else { write(out, files) };
        if c != ExitCode::SUCCESS {
            code = c;
        }
    }
    code
}

/// One generation: a metadata file, options, and where the crates go.
pub struct Job {
    /// The CSDL document.
    pub metadata: PathBuf,
    /// Output directory.
    pub out: PathBuf,
    /// Generation options.
    pub options: codegen::Options,
    /// Annotation documents applied to the CSDL document.
    pub annotations: Vec<PathBuf>,
}

/// Directory of the fixture documents, one per concern.
pub const FIXTURES: &str = "tests/fixtures/codegen";

/// The `$metadata` of the CAP test service (`tests/cap/`), generated as
/// `tests/generated/fixture-cap-model` and `fixture-cap-client` for the tests that drive the
/// live server.
pub const CAP_METADATA: &str = "tests/cap/metadata.xml";

/// Each fixture document to `tests/generated/fixture-<name>-model` (and `-client` when it has
/// a container), not pruned; then the CAP service's metadata as `fixture-cap-*`, in one crate
/// pair without features.
pub fn fixture_jobs(root: &Path) -> Vec<Job> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join(FIXTURES))
        .map(|d| {
            d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "xml")).collect()
        })
        .unwrap_or_default();
    docs.sort();
    docs.into_iter()
        .map(|metadata| {
            let stem = metadata.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            // A fixture with an entity container stands for a whole service: split into features.
            let service = std::fs::read(&metadata).is_ok_and(|b| b.windows(16).any(|w| w == b"<EntityContainer"));
            Job {
                metadata,
                annotations: Vec::new(),
                out: root.join("tests/generated"),
                options: codegen::Options {
                    namespace: None,
                    crate_options: CrateOptions {
                        features: service,
                        ..CrateOptions::new(&format!("fixture-{stem}"), "../../../runtime", false)
                    },
                },
            }
        })
        .chain(std::iter::once(Job {
            metadata: root.join(CAP_METADATA),
            annotations: Vec::new(),
            out: root.join("tests/generated"),
            options: codegen::Options {
                namespace: None,
                crate_options: CrateOptions::new("fixture-cap", "../../../runtime", false),
            },
        }))
        .collect()
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
    let stale = remove_stale(out, files);
    println!(
        "generated {} files in {}{}",
        files.len(),
        out.display(),
        if stale == 0 { String::new() } else { format!(" ({stale} stale removed)") }
    );
    ExitCode::SUCCESS
}

/// A generated file that differs from disk: (path relative to `out`, text on disk, text generated).
pub type Difference = (String, Option<String>, Option<String>);

/// Every file whose text on disk differs from `files`, is missing, or is no longer generated.
pub fn differences(out: &Path, files: &Files) -> Vec<Difference> {
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
    problems
}

fn check(out: &Path, files: &Files) -> ExitCode {
    let problems = differences(out, files);
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

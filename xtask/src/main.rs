//! `cargo xtask`: the project's command line. Parses flags, reads and writes files, and hands
//! everything else to the `codegen` library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{bench, codegen, fuzz, inspect, schema_diff, update, Format};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "OData CSDL to Rust: generator commands")]
struct Cli {
    /// Workspace root to work in (default: the one this xtask was built from).
    #[arg(long, global = true)]
    workspace: Option<PathBuf>,
    /// Read the document a reference's URI names from FILE (`URI=FILE`, repeatable; the URI
    /// as written in `edmx:Reference` or resolved against its document).
    #[arg(long = "reference", value_name = "URI=FILE", global = true)]
    references: Vec<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerates the crates in generated/ from metadata/ (or any CSDL with --metadata).
    Codegen {
        /// Compare generated/ with what the metadata produces; exit 1 with a diff when stale.
        #[arg(long)]
        check: bool,
        /// A CSDL document instead of metadata/ (a full $metadata is pruned on the fly).
        #[arg(long)]
        metadata: Option<PathBuf>,
        /// The namespace whose closure to generate (default: metadata/codegen.json).
        #[arg(long)]
        namespace: Option<String>,
        /// Output directory instead of generated/; the crates build where they are written.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Prefix of the crate names (default: metadata/codegen.json).
        #[arg(long)]
        crate_prefix: Option<String>,
        /// Generate every namespace of the document instead of one namespace's closure.
        #[arg(long, conflicts_with = "namespace")]
        all_namespaces: bool,
        /// Address entities by key as a path segment (`Books/1`, as Microsoft Graph does) instead
        /// of a key predicate (`Books(1)`); also when the service does not say
        /// `Capabilities.KeyAsSegmentSupported` (default: metadata/codegen.json for the embedded
        /// metadata, else off).
        #[arg(long)]
        key_as_segment: bool,
        /// An annotation document for the service (repeatable): a CSDL document whose
        /// `Annotations Target="..."` blocks (Capabilities restrictions, descriptions, ...) are
        /// applied as if the service document held them (default: the `annotations` of
        /// metadata/codegen.json for the embedded metadata).
        #[arg(long = "annotations", value_name = "FILE")]
        annotations: Vec<PathBuf>,
        /// Offer every operation whatever the service's Capabilities restrictions say (for a
        /// service whose annotations contradict what it serves).
        #[arg(long)]
        ignore_restrictions: bool,
    },
    /// Benchmarks that print a table.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Feeds mutated metadata to every stage for a while and reports how many inputs it tried.
    Fuzz {
        /// The document to mutate (default: metadata/metadata.xml).
        #[arg(long)]
        file: Option<PathBuf>,
        /// How long to run.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Seed of the mutation sequence.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Work with CSDL metadata documents.
    Metadata {
        #[command(subcommand)]
        command: MetadataCommand,
    },
    /// What changed in the model between two CSDL documents, breaking or additive for users
    /// of the generated crates, and the version bump that needs.
    SchemaDiff {
        /// The older CSDL document.
        old: PathBuf,
        /// The newer CSDL document.
        new: PathBuf,
        /// Compare only this namespace's closure (default: every namespace).
        #[arg(long)]
        namespace: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Reading Graph: raw quick-xml floor, read, resolve, prune.
    Reader {
        /// The document (default: graph-beta-2021-07-13.xml in $ODATA_SHARED_DIR/metadata or ../shared/metadata).
        #[arg(long)]
        file: Option<PathBuf>,
        /// The namespace to prune to.
        #[arg(long, default_value = "microsoft.graph.callRecords")]
        namespace: String,
        /// Runs per stage.
        #[arg(long, default_value_t = 15)]
        runs: usize,
    },
    /// A whole document: generation against the raw quick-xml floor, generated size, and
    /// cargo check/build/doc time and peak memory of the model crate beside its serde-derive
    /// baseline, all features and one, then the client crate's check.
    Graph {
        /// The document (default: graph-beta-2021-07-13.xml in $ODATA_SHARED_DIR/metadata or ../shared/metadata).
        #[arg(long)]
        file: Option<PathBuf>,
        /// Where the crates and their target directory go (default: target/bench-graph).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Generation rounds.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// The feature measured alone.
        #[arg(long, default_value = "call-records")]
        feature: String,
        /// Only the generation rows and size, and the crates written: no cargo check, build or doc.
        #[arg(long)]
        no_compile: bool,
    },
}

#[derive(Subcommand)]
enum MetadataCommand {
    /// Counts per namespace, container children, and every diagnostic of a CSDL document.
    Inspect {
        /// The CSDL XML file.
        file: PathBuf,
        /// Only this namespace's counts.
        #[arg(long)]
        namespace: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Prunes a full document (file or http(s) URL) to a namespace's closure, prints the schema
    /// diff, regenerates the crates, bumps their version and prepends a changelog entry.
    Update {
        /// The full `$metadata` document: a file or an `http://`/`https://` URL.
        #[arg(long)]
        from: String,
        /// The namespace (default: the one in `metadata/codegen.json`).
        #[arg(long)]
        namespace: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.workspace.clone().unwrap_or_else(workspace_root);
    let refs = match xtask::load::References::parse(&cli.references) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::Bench { command: BenchCommand::Reader { file, namespace, runs } } => {
            let file = file.unwrap_or_else(|| default_document(&root));
            bench::reader(&file, &namespace, runs.max(1), &|| GLOBAL.allocations())
        }
        Command::Bench { command: BenchCommand::Graph { file, out, runs, feature, no_compile } } => {
            bench::graph(&bench::GraphBench {
                file: file.unwrap_or_else(|| default_document(&root)),
                out: out.unwrap_or_else(|| root.join("target/bench-graph")),
                runtime: std::fs::canonicalize(root.join("runtime")).unwrap_or_else(|_| root.join("runtime")),
                lock: Some(root.join("Cargo.lock")),
                runs: runs.max(1),
                feature,
                no_compile,
            })
        }
        Command::Codegen {
            check,
            metadata,
            namespace,
            out,
            crate_prefix,
            all_namespaces,
            key_as_segment,
            annotations,
            ignore_restrictions,
        } => codegen::run(
            &root,
            codegen::Request {
                metadata,
                namespace,
                out,
                crate_prefix,
                all_namespaces,
                key_as_segment,
                check,
                references: refs,
                annotations,
                ignore_restrictions,
            },
        ),
        Command::Fuzz { file, seconds, seed } => {
            fuzz::run(&file.unwrap_or_else(|| root.join("metadata/metadata.xml")), seconds, seed, &refs)
        }
        Command::Metadata { command } => match command {
            MetadataCommand::Inspect { file, namespace, format } => {
                inspect::run(&file, namespace.as_deref(), format, &refs)
            }
            MetadataCommand::Update { from, namespace } => update::run(&root, &from, namespace, &refs),
        },
        Command::SchemaDiff { old, new, namespace, format } => {
            schema_diff::run(&old, &new, namespace.as_deref(), format, &refs)
        }
    }
}

/// The benchmarks' document: the newest Graph beta document of the shared data, found like the
/// tests find it (`$ODATA_SHARED_DIR`, else `../shared` beside the workspace).
fn default_document(root: &Path) -> PathBuf {
    let shared = std::env::var_os("ODATA_SHARED_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("../shared"));
    shared.join("metadata/graph-beta-2021-07-13.xml")
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}
/// mimalloc, counted: generation makes many small allocations, which mimalloc serves faster than
/// the system allocator, and `cargo xtask bench reader` reports how many loading makes.
#[global_allocator]
static GLOBAL: bench::Counting<mimalloc::MiMalloc> = bench::Counting::new(mimalloc::MiMalloc);

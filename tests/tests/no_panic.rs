//! Mutated real metadata never makes the reader, resolver, pruner or writer panic.

use xtask::mutate::{mutate, Rng};

/// Runs every stage that takes metadata on one input, generating split into cargo features or not.
fn all_stages(bytes: &[u8], features: bool) {
    let (model, diags) = codegen::load("mutated.xml", bytes);
    for d in diags.iter() {
        let _ = d.to_string();
    }
    if let Some(model) = model {
        let namespaces: Vec<String> = model.schemas.iter().map(|s| s.namespace.to_string()).collect();
        for ns in namespaces {
            if let Ok(p) = codegen::model::prune::prune(&model, &ns) {
                let _ = codegen::model::write::write(&p);
            }
        }
    }
    // The whole pipeline, plan and emit included.
    let options = codegen::Options {
        namespace: None,
        crate_options: codegen::emit::CrateOptions {
            features,
            ..codegen::emit::CrateOptions::new("fuzz", "../runtime", true)
        },
    };
    let _ = codegen::generate("mutated.xml", bytes, &options);
}

#[test]
fn mutated_metadata_never_panics() {
    let seed_doc = std::fs::read(tests::workspace_root().join("metadata/metadata.xml")).expect("metadata/metadata.xml");
    let fixtures = tests::workspace_root().join("tests/fixtures/csdl/constructs.xml");
    let constructs = std::fs::read(fixtures).unwrap();
    // A service with a container, sets, singletons and paths into a second namespace.
    let service = std::fs::read(tests::workspace_root().join("tests/fixtures/codegen/features.xml")).unwrap();
    let seeds = [&seed_doc, &constructs, &service];
    let mut rng = Rng::new(0x5eed);
    for i in 0..600 {
        let base = seeds[i % seeds.len()];
        let input = mutate(base, &mut rng);
        let result = std::panic::catch_unwind(|| all_stages(&input, i % 2 == 1));
        if result.is_err() {
            let path = std::env::temp_dir().join(format!("odata-panic-{i}.xml"));
            let _ = std::fs::write(&path, &input);
            panic!("input {i} panicked; saved to {}", path.display());
        }
    }
}

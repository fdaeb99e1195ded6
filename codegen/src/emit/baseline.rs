//! The serde-derive baseline: the model crate's types written the way a hand-written serde
//! model would write them. It exists only for `cargo xtask bench graph`, which builds it beside
//! the model crate to show what the runtime's helpers cost or save against plain
//! `#[derive(Serialize, Deserialize)]`; nothing else uses it and its output is not a product.
//!
//! It is written from the same model and plan as the model crate: the same modules, type
//! names, field names, docs, cargo features and `#[cfg]` gates, through the same formatting, so
//! sizes and build times compare like for like. What differs:
//!
//! - a struct derives serde; every field is an `Option` with
//!   `#[serde(rename = "...", default, skip_serializing_if = "...")]`, and unknown properties go
//!   to a `#[serde(flatten)]` `serde_json::Map` (a property that arrived as `null` is not
//!   remembered, unlike the model crate's `Extra`);
//! - an `Any*` enum is `#[serde(untagged)]` over the same variants, derived-most types first.
//!   It does not read `@odata.type`: every field being optional, the first variant accepts any
//!   object, so it measures the cost of the approach, not a working dispatch;
//! - an enum derives serde with `#[serde(rename = "...")]` per member and a
//!   `#[serde(other)]` unit fallback (the value it replaced is lost), and is `Copy`;
//! - no `#[non_exhaustive]`, no `Structure`, `EnumMember`, `FromStr`, `Display` or `Edm` impls.
//!
//! Edm types: `Edm.Duration` and `Edm.Binary` keep the runtime's types, which implement serde
//! with the OData wire form. The others the runtime maps to types of other crates built without
//! their serde features (`time`, `uuid`, `rust_decimal`), so they are substituted:
//! `Edm.DateTimeOffset`, `Edm.Date`, `Edm.TimeOfDay` and `Edm.Guid` become `String`,
//! `Edm.Decimal` becomes `f64` (a JSON number, read inexactly), a flags enum property (a set in
//! the model crate) becomes `String`, and untyped or spatial values stay `serde_json::Value`.

use proc_macro2::TokenStream;
use quote::quote;

use super::model::{
    definition_attrs, enumeration_attrs, field_attrs, ident, member_attrs, namespace_files, structure_attrs, type_path,
};
use super::{cfg_ref, cfg_type, features_docs, features_toml, rust_file, CrateOptions, Files};
use crate::model::{Model, TypeId, TypeKind};
use crate::plan::{Plan, RustType};

/// Builds every file of the `<prefix>-serde` crate.
pub fn serde_baseline_crate(model: &Model, plan: &Plan, opts: &CrateOptions) -> Result<Files, String> {
    let mut files = Files::new();
    let crate_name = format!("{}-serde", opts.crate_prefix);
    let mods = namespace_files(model, plan, &crate_name, &mut files, |ids| {
        // `Option::is_none` as a hand-written model says it, unless the module has a type of
        // that name.
        let shadowed = ids.iter().any(|id| plan.names[id.0 as usize].name == "Option");
        let is_none = if shadowed { "::std::option::Option::is_none" } else { "Option::is_none" };
        super::format_items(ids, |&id| type_items(model, plan, id, is_none))
    })?;
    let lib_doc = lib_docs(plan, &crate_name, &opts.crate_prefix);
    let lib_lines = lib_doc.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    let lib = quote! {
        #( #![doc = #lib_lines] )*
        #![forbid(unsafe_code)]
        #![allow(clippy::too_many_lines)]

        #(#mods)*
    };
    files.insert(format!("{crate_name}/src/lib.rs"), rust_file(lib)?);
    files.insert(format!("{crate_name}/Cargo.toml"), cargo_toml(&crate_name, opts, model, plan));
    files.insert(format!("{crate_name}/README.md"), format!("{}\n", lib_doc.replace("\n\n\n", "\n\n")));
    Ok(files)
}

fn type_items(model: &Model, plan: &Plan, id: TypeId, is_none: &str) -> Result<TokenStream, String> {
    Ok(match &model.ty(id).kind {
        TypeKind::Structured(_) => {
            let s = structure(model, plan, id, is_none);
            let any = any_enum(model, plan, id);
            quote! { #s #any }
        }
        TypeKind::Enum(_) => enumeration(model, plan, id),
        TypeKind::Definition { underlying, .. } => {
            let name = ident(&plan.names[id.0 as usize].name);
            let ty: syn::Type =
                syn::parse_str(primitive(crate::plan::primitive(underlying))).map_err(|e| e.to_string())?;
            let doc = definition_attrs(model, id);
            let cfg = cfg_type(plan, id);
            quote! { #doc #cfg pub type #name = #ty; }
        }
    })
}

/// The baseline's type for a primitive path of the plan (see the module docs).
fn primitive(path: &'static str) -> &'static str {
    match path {
        "::odata_runtime::edm::DateTimeOffset"
        | "::odata_runtime::edm::Date"
        | "::odata_runtime::edm::TimeOfDay"
        | "::odata_runtime::edm::Guid" => "::std::string::String",
        "::odata_runtime::edm::Decimal" => "f64",
        "::odata_runtime::serde_json::Value" => "::serde_json::Value",
        // std types, and `Duration` and `Binary`, which implement serde.
        other => other,
    }
}

/// Whether the crate names a type of the runtime, so it needs the dependency.
fn needs_runtime(model: &Model, plan: &Plan) -> bool {
    fn names_runtime(t: &RustType) -> bool {
        match t {
            RustType::Path(p) => primitive(p).starts_with("::odata_runtime::"),
            RustType::Named { .. } | RustType::Flags(_) => false,
            RustType::Vec(inner) | RustType::Boxed(inner) => names_runtime(inner),
        }
    }
    plan.fields.values().flatten().any(|f| names_runtime(&f.ty))
        || model.types.iter().any(|t| match &t.kind {
            TypeKind::Definition { underlying, .. } => {
                primitive(crate::plan::primitive(underlying)).starts_with("::odata_runtime::")
            }
            _ => false,
        })
}

fn rust_type(plan: &Plan, t: &RustType) -> TokenStream {
    match t {
        RustType::Path(p) => primitive(p).parse().expect("primitive paths are valid Rust"),
        RustType::Named { id, any } => type_path(plan, *id, *any),
        RustType::Flags(_) => quote! { ::std::string::String },
        RustType::Vec(inner) => {
            let i = rust_type(plan, inner);
            quote! { ::std::vec::Vec<#i> }
        }
        RustType::Boxed(inner) => {
            let i = rust_type(plan, inner);
            quote! { ::std::boxed::Box<#i> }
        }
    }
}

fn structure(model: &Model, plan: &Plan, id: TypeId, is_none: &str) -> TokenStream {
    let name = ident(&plan.names[id.0 as usize].name);
    let attrs = structure_attrs(model, id);
    let extra = ident(&plan.extra_field[&id]);
    let decls = plan.fields[&id].iter().map(|f| {
        let fattrs = field_attrs(model, id, f);
        let fname = ident(&f.rust);
        let fty = rust_type(plan, &f.ty);
        let wire = &f.wire;
        let fcfg = cfg_ref(plan, Some(id), &f.ty.named().into_iter().collect::<Vec<_>>());
        quote! {
            #fattrs
            #fcfg
            #[serde(rename = #wire, default, skip_serializing_if = #is_none)]
            pub #fname: ::std::option::Option<#fty>,
        }
    });
    let extra_doc = " Unknown properties and instance annotations.";
    let cfg = cfg_type(plan, id);
    quote! {
        #attrs
        #cfg
        #[derive(Debug, Clone, PartialEq, Default, ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            #(#decls)*
            #[doc = #extra_doc]
            #[serde(flatten)]
            pub #extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }
    }
}

fn any_enum(model: &Model, plan: &Plan, id: TypeId) -> TokenStream {
    let Some((variants, other)) = plan.any_variants.get(&id) else { return quote! {} };
    let t = model.ty(id);
    let any = ident(plan.names[id.0 as usize].any.as_deref().expect("polymorphic types have an Any name"));
    let base = type_path(plan, id, false);
    let other = ident(other);
    // Untagged tries the variants in order: the most derived first, the declared type last.
    let mut ordered: Vec<(usize, &(String, TypeId))> =
        variants.iter().map(|v| (model.ancestors(v.1).len(), v)).collect();
    ordered.sort_by_key(|(depth, _)| std::cmp::Reverse(*depth));
    let decls = ordered.iter().map(|(_, (v, ty))| {
        let vi = ident(v);
        let path = type_path(plan, *ty, false);
        let vdoc = format!(" `{}`.", model.ty(*ty).qualified());
        let vcfg = cfg_ref(plan, Some(id), &[*ty]);
        quote! { #[doc = #vdoc] #vcfg #vi(::std::boxed::Box<#path>), }
    });
    let doc =
        format!(" `{}` or any type derived from it (untagged: the first variant that reads wins).", t.qualified());
    let other_doc = format!(" A type derived from `{}` that this version does not know.", t.qualified());
    let cfg = cfg_type(plan, id);
    quote! {
        #[doc = #doc]
        #cfg
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(untagged)]
        pub enum #any {
            #(#decls)*
            #[doc = #other_doc]
            #other(::std::boxed::Box<#base>),
        }
    }
}

fn enumeration(model: &Model, plan: &Plan, id: TypeId) -> TokenStream {
    let TypeKind::Enum(e) = &model.ty(id).kind else { unreachable!("enumeration() is called for enum types") };
    let name = ident(&plan.names[id.0 as usize].name);
    let (variants, other) = &plan.variants[&id];
    let attrs = enumeration_attrs(
        model,
        id,
        &format!("Values this version of the schema does not know are read as `{other}`."),
    );
    let other = ident(other);
    let decls = variants.iter().enumerate().map(|(k, (wire, rust))| {
        let v = ident(rust);
        let vattrs = member_attrs(e, k, wire);
        quote! { #vattrs #[serde(rename = #wire)] #v, }
    });
    let other_doc = " A value this version of the schema does not know.";
    let cfg = cfg_type(plan, id);
    quote! {
        #attrs
        #cfg
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        pub enum #name {
            #(#decls)*
            #[doc = #other_doc]
            #[serde(other)]
            #other,
        }
    }
}

fn cargo_toml(crate_name: &str, opts: &CrateOptions, model: &Model, plan: &Plan) -> String {
    let workspace = if opts.standalone { "\n[workspace]\n" } else { "" };
    let (entries, docs_rs) = features_toml(plan, |_| String::new());
    let features = if entries.is_empty() { String::new() } else { format!("\n[features]\n{entries}{docs_rs}") };
    let package = super::package_toml(
        crate_name,
        opts,
        &format!("A serde-derive baseline of {}-model, for benchmarks.", opts.crate_prefix),
    );
    let runtime =
        if needs_runtime(model, plan) { format!("{}\n", super::runtime_dependency(opts, "")) } else { String::new() };
    format!(
        "{package}\n[dependencies]\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n{runtime}{features}{workspace}"
    )
}

fn lib_docs(plan: &Plan, crate_name: &str, prefix: &str) -> String {
    let mut s = format!(
        "# {crate_name}\n\nThe types of `{prefix}-model` written with plain `#[derive(serde::Serialize, serde::Deserialize)]`, a baseline for `cargo xtask bench graph`; one module per namespace:\n\n"
    );
    for (m, ns) in &plan.modules {
        s.push_str(&format!("- `{}`: `{ns}`\n", crate::plan::names::bare(m)));
    }
    s.push_str(&features_docs(plan));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline(xml: &[u8], features: bool) -> Files {
        let (model, diags) = crate::load("fixture.xml", xml);
        assert!(!diags.has_errors(), "{diags:?}");
        let model = model.expect("fixture reads");
        let plan = if features { Plan::with_features(&model) } else { Plan::new(&model) };
        serde_baseline_crate(&model, &plan, &CrateOptions::new("fx", "../runtime", true)).expect("baseline generates")
    }

    #[test]
    fn the_call_records_document_gives_a_serde_derive_crate() {
        let files = baseline(include_bytes!("../../../metadata/metadata.xml"), false);
        let toml = &files["fx-serde/Cargo.toml"];
        assert!(toml.contains("name = \"fx-serde\""), "{toml}");
        assert!(toml.contains("serde = { version = \"1\", features = [\"derive\"] }"), "{toml}");
        let code: String = files.iter().filter(|(p, _)| p.ends_with(".rs")).map(|(_, t)| t.as_str()).collect();
        assert!(code.contains("::serde::Deserialize"));
        assert!(code.contains("#[serde(untagged)]"));
        assert!(code.contains("#[serde(other)]"));
        assert!(code.contains("#[serde(flatten)]"));
        // Only Duration and Binary come from the runtime.
        for line in code.lines().filter(|l| l.contains("odata_runtime")) {
            assert!(line.contains("edm::Duration") || line.contains("edm::Binary"), "{line}");
        }
    }

    #[test]
    fn features_gate_the_baseline_like_the_model_crate() {
        let xml = include_bytes!("../../../tests/fixtures/codegen/features.xml");
        let files = baseline(xml, true);
        let toml = &files["fx-serde/Cargo.toml"];
        assert!(toml.contains("\n[features]\n") && toml.contains("\nfull = ["), "{toml}");
        let code: String = files.iter().filter(|(p, _)| p.ends_with(".rs")).map(|(_, t)| t.as_str()).collect();
        assert!(code.contains("#[cfg(feature = "), "no gate in the baseline");
    }
}

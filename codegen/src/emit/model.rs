//! The model crate: one module per namespace with a struct per structured type, an `Any*`
//! enum per type with derived types, an evolvable enum per enum type, and an alias per type
//! definition; all serde through the runtime's helpers.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::{cfg_ref, cfg_type, docs, features_docs, features_toml, rust_file, CrateOptions, Files};
use crate::model::{Annotations, Deprecation, Enum, Model, StructuredKind, TypeId, TypeKind};
use crate::plan::{Field, Plan, RustType};

/// The items of one type: its struct, enum or alias with their impls.
fn type_items(model: &Model, plan: &Plan, id: TypeId) -> Result<TokenStream, String> {
    let t = model.ty(id);
    Ok(match &t.kind {
        TypeKind::Structured(_) => structure(model, plan, id),
        TypeKind::Enum(_) => enumeration(model, plan, id),
        TypeKind::Definition { underlying, .. } => {
            let ident = ident(&plan.names[id.0 as usize].name);
            let ty: syn::Type = syn::parse_str(crate::plan::primitive(underlying)).map_err(|e| e.to_string())?;
            let doc = definition_attrs(model, id);
            let cfg = cfg_type(plan, id);
            quote! { #doc #cfg pub type #ident = #ty; }
        }
    })
}

/// The doc comment of the alias of type definition `id`.
pub(super) fn definition_attrs(model: &Model, id: TypeId) -> TokenStream {
    let t = model.ty(id);
    let TypeKind::Definition { underlying, .. } = &t.kind else {
        unreachable!("definition_attrs() is called for type definitions")
    };
    docs::attrs(&type_docs(
        t.annotations.description(),
        t.annotations.long_description(),
        &format!("OData type definition `{}` over `Edm.{underlying}`.", t.qualified()),
    ))
}

/// Every module of the crate with its types, sorted by Rust name.
pub(super) fn types_by_module<'p>(model: &Model, plan: &'p Plan) -> std::collections::BTreeMap<&'p str, Vec<TypeId>> {
    let mut module_types: std::collections::BTreeMap<&str, Vec<TypeId>> =
        plan.modules.keys().map(|m| (m.as_str(), Vec::new())).collect();
    for i in 0..model.types.len() {
        module_types.entry(plan.names[i].module.as_str()).or_default().push(TypeId(i as u32));
    }
    for ids in module_types.values_mut() {
        ids.sort_by(|a, b| plan.names[a.0 as usize].name.cmp(&plan.names[b.0 as usize].name));
    }
    module_types
}

/// Writes one file per namespace module of `crate_name` into `files`, its items from `items`
/// (given the module's types), and returns the `pub mod` declarations for `lib.rs`.
pub(super) fn namespace_files(
    model: &Model,
    plan: &Plan,
    crate_name: &str,
    files: &mut Files,
    items: impl Fn(&[TypeId]) -> Result<Vec<String>, String>,
) -> Result<Vec<TokenStream>, String> {
    let mut mods = Vec::new();
    for (module, ids) in types_by_module(model, plan) {
        let items = items(&ids)?;
        let ns = &plan.modules[module];
        let doc = format!(" Types of the OData namespace `{ns}`.");
        // The crate refers to its own deprecated items; users of them are still warned.
        let inner = quote! {
            #![doc = #doc]
            #![allow(deprecated)]
        };
        let file_name = crate::plan::names::bare(module).to_string();
        files.insert(format!("{crate_name}/src/{file_name}.rs"), super::module_file(inner, &items)?);
        let m: TokenStream = module.parse().map_err(|e| format!("{e:?}"))?;
        let mdoc = format!(" `{ns}`.");
        mods.push(quote! { #[doc = #mdoc] pub mod #m; });
    }
    Ok(mods)
}

/// Builds every file of the model crate.
pub fn model_crate(model: &Model, plan: &Plan, opts: &CrateOptions) -> Result<Files, String> {
    let mut files = Files::new();
    let crate_name = format!("{}-model", opts.crate_prefix);
    let mods = namespace_files(model, plan, &crate_name, &mut files, |ids| {
        super::format_items(ids, |&id| type_items(model, plan, id))
    })?;
    let lib_doc = lib_docs(plan, &crate_name);
    let lib_lines = lib_doc.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    let lib = quote! {
        #( #![doc = #lib_lines] )*
        #![forbid(unsafe_code)]
        #![allow(clippy::too_many_lines)]

        /// The runtime these types are built on (`runtime::edm::DateTimeOffset`,
        /// `runtime::object::Extra`, ...), so a user needs no second dependency to name them.
        pub use ::odata_runtime as runtime;

        #(#mods)*
    };
    files.insert(format!("{crate_name}/src/lib.rs"), rust_file(lib)?);
    files.insert(format!("{crate_name}/Cargo.toml"), cargo_toml(&crate_name, opts, model, plan));
    if let Some(log) = &opts.changelog {
        files.insert(format!("{crate_name}/CHANGELOG.md"), log.clone());
    }
    files.insert(format!("{crate_name}/README.md"), format!("{}\n", lib_doc.replace("\n\n\n", "\n\n")));
    Ok(files)
}

fn cargo_toml(crate_name: &str, opts: &CrateOptions, model: &Model, plan: &Plan) -> String {
    let mut namespaces: Vec<&str> = model.schemas.iter().map(|s| s.namespace.as_ref()).collect();
    namespaces.sort_unstable();
    let workspace = if opts.standalone { "\n[workspace]\n" } else { "" };
    let (entries, docs_rs) = features_toml(plan, |_| String::new());
    let features = if entries.is_empty() { String::new() } else { format!("\n[features]\n{entries}{docs_rs}") };
    let package = super::package_toml(
        crate_name,
        opts,
        &format!("Serde types for the OData namespaces {}.", namespaces.join(", ")),
    );
    format!("{package}\n[dependencies]\n{}\n{features}{workspace}", super::runtime_dependency(opts, ""))
}

fn lib_docs(plan: &Plan, crate_name: &str) -> String {
    let mut s =
        format!("# {crate_name}\n\nSerde types generated from OData CSDL metadata; one module per namespace:\n\n");
    for (m, ns) in &plan.modules {
        s.push_str(&format!("- `{}`: `{ns}`\n", crate::plan::names::bare(m)));
    }
    s.push_str(
        "\nWhat every type promises:\n\n\
         - every property is an `Option`: `$select` and partial responses deserialize;\n\
         - unknown properties and instance annotations (`@odata.type`, `@odata.etag`, `sessions@odata.nextLink`, ...) are kept in `extra` and written back, and a property that arrived as `null` is written back as `null`;\n\
         - structs and enums are `#[non_exhaustive]`: build values from `Default` and set fields, so a schema that grows is not a breaking change;\n\
         - a property whose type has derived types holds an `Any*` enum chosen by `@odata.type`, with an `Other` variant for types this version does not know;\n\
         - enums keep values they do not know in an `Other(String)` variant and never fail to deserialize.\n",
    );
    s.push_str(&features_docs(plan));
    s
}

pub(super) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

pub(super) fn type_path(plan: &Plan, id: TypeId, any: bool) -> TokenStream {
    let n = &plan.names[id.0 as usize];
    let module = ident(&n.module);
    let name = ident(if any { n.any.as_deref().unwrap_or(&n.name) } else { &n.name });
    quote! { crate::#module::#name }
}

fn rust_type(plan: &Plan, t: &RustType) -> TokenStream {
    match t {
        RustType::Path(p) => p.parse().expect("primitive paths are valid Rust"),
        RustType::Named { id, any } => type_path(plan, *id, *any),
        RustType::Flags(id) => {
            let e = type_path(plan, *id, false);
            quote! { ::odata_runtime::enums::Flags<#e> }
        }
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

pub(super) fn type_docs(description: Option<&str>, long: Option<&str>, what: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(d) = description {
        out.push(docs::text(d));
    }
    out.push(what.to_string());
    if let Some(l) = long {
        out.push(docs::text(l));
    }
    out
}

fn deprecated(annotations: &Annotations) -> TokenStream {
    match annotations.deprecation() {
        Some(Deprecation { description, date, removal_date, version }) => {
            let mut note = description.unwrap_or_else(|| "deprecated in the schema".into());
            if let Some(d) = date.or(version) {
                note.push_str(&format!(" (deprecated {d}"));
                if let Some(r) = removal_date {
                    note.push_str(&format!(", removed after {r}"));
                }
                note.push(')');
            }
            quote! { #[deprecated(note = #note)] }
        }
        None => quote! {},
    }
}

/// The doc comment and `#[deprecated]` of the struct of structured type `id`.
pub(super) fn structure_attrs(model: &Model, id: TypeId) -> TokenStream {
    let t = model.ty(id);
    let s = t.structured().expect("structured");
    let kind = match s.kind {
        StructuredKind::Entity => "entity type",
        StructuredKind::Complex => "complex type",
    };
    let mut what = format!("OData {kind} `{}`", t.qualified());
    if let Some(b) = s.base {
        what.push_str(&format!(", derived from `{}`", model.ty(b).qualified()));
    }
    if s.is_abstract {
        what.push_str("; abstract: the service sends one of its derived types");
    }
    if s.open_type {
        what.push_str("; open: dynamic properties are kept in `extra`");
    }
    what.push('.');
    let doc = docs::attrs(&type_docs(t.annotations.description(), t.annotations.long_description(), &what));
    let dep = deprecated(&t.annotations);
    quote! { #doc #dep }
}

/// The doc comment and `#[deprecated]` of field `f` of the struct of `id`.
pub(super) fn field_attrs(model: &Model, id: TypeId, f: &Field) -> TokenStream {
    let owner = model.ty(f.declared_in);
    let sx = owner.structured().expect("structured");
    let (annotations, type_text, nullable) = if f.navigation {
        let n = &sx.navigation[f.index];
        let target = model.ty(n.target).qualified();
        let tt = if n.collection { format!("Collection({target})") } else { target };
        (&n.annotations, tt, n.nullable != Some(false))
    } else {
        let p = &sx.properties[f.index];
        (&p.annotations, p.ty.csdl(|t| model.ty(t).qualified()), p.nullable())
    };
    let mut what = format!(
        "OData {} `{}` (`{type_text}`{})",
        if f.navigation { "navigation property" } else { "property" },
        f.wire,
        if nullable { "" } else { ", not nullable" }
    );
    if f.declared_in != id {
        what.push_str(&format!(", inherited from `{}`", owner.qualified()));
    }
    if f.navigation {
        what.push_str("; present when expanded");
    }
    what.push('.');
    if annotations.computed() {
        what.push_str(" Computed by the service.");
    }
    let perms = annotations.permissions();
    let mut paras = type_docs(annotations.description(), annotations.long_description(), &what);
    if !perms.is_empty() {
        paras.push(format!("Permissions: {}.", perms.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")));
    }
    let fdoc = docs::attrs(&paras);
    let fdep = deprecated(annotations);
    quote! { #fdoc #fdep }
}

fn structure(model: &Model, plan: &Plan, id: TypeId) -> TokenStream {
    let t = model.ty(id);
    let name = ident(&plan.names[id.0 as usize].name);
    let attrs = structure_attrs(model, id);
    let fields = &plan.fields[&id];
    let extra = ident(&plan.extra_field[&id]);
    let mut decls = Vec::new();
    let mut entries = Vec::new();
    let mut wires = Vec::new();
    for (k, f) in fields.iter().enumerate() {
        let fattrs = field_attrs(model, id, f);
        let fname = ident(&f.rust);
        let fty = rust_type(plan, &f.ty);
        let wire = &f.wire;
        let fcfg = cfg_ref(plan, Some(id), &f.ty.named().into_iter().collect::<Vec<_>>());
        decls.push(quote! { #fattrs #fcfg pub #fname: ::std::option::Option<#fty>, });
        let index = proc_macro2::Literal::usize_unsuffixed(k);
        entries.push(quote! { #fcfg #index #fname #wire });
        wires.push(wire);
    }
    let qualified = t.qualified();
    let by_name = by_name(&wires);
    let extra_doc = " Unknown properties, instance annotations and properties that arrived as `null`, kept so a value is written back as it was read.";
    let any = any_enum(model, plan, id);
    let cfg = cfg_type(plan, id);
    quote! {
        #attrs
        #cfg
        #[derive(Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#decls)*
            #[doc = #extra_doc]
            pub #extra: ::odata_runtime::object::Extra,
        }

        #cfg
        ::odata_runtime::__private::impl_structure!(#name, #qualified, #extra, [#(#entries),*], [#(#by_name),*]);

        #any
    }
}

/// The indices of `names` ordered by length, then bytes: the runtime's binary-search table
/// (`odata_runtime::object::by_length_then_bytes`).
fn by_name(names: &[&String]) -> Vec<proc_macro2::Literal> {
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| names[a].len().cmp(&names[b].len()).then_with(|| names[a].cmp(names[b])));
    order.into_iter().map(|i| proc_macro2::Literal::u32_unsuffixed(i as u32)).collect()
}

fn any_enum(model: &Model, plan: &Plan, id: TypeId) -> TokenStream {
    let Some((variants, other)) = plan.any_variants.get(&id) else { return quote! {} };
    let t = model.ty(id);
    let any = ident(plan.names[id.0 as usize].any.as_deref().expect("polymorphic types have an Any name"));
    let base = type_path(plan, id, false);
    let other = ident(other);
    let doc = docs::attrs(&[
        format!("`{}` or any type derived from it, chosen by `@odata.type` when reading.", t.qualified()),
        format!(
            "A value of a type this version of the schema does not know is read into `{other}` with the fields of `{}` and its type name kept in `extra`; it is written back unchanged.",
            t.qualified()
        ),
    ]);
    let mut decls = Vec::new();
    let mut picks = Vec::new();
    let mut sers = Vec::new();
    let mut froms = Vec::new();
    let cfg = cfg_type(plan, id);
    for (v, ty) in variants {
        let vi = ident(v);
        let path = type_path(plan, *ty, false);
        let q = model.ty(*ty).qualified();
        let vdoc = format!(" `{q}`.");
        let vcfg = cfg_ref(plan, Some(id), &[*ty]);
        decls.push(quote! { #[doc = #vdoc] #vcfg #vi(::std::boxed::Box<#path>), });
        let fcfg = cfg_ref(plan, None, &[id, *ty]);
        froms.push(quote! {
            #fcfg
            impl ::std::convert::From<#path> for #any {
                fn from(value: #path) -> Self {
                    #any::#vi(::std::boxed::Box::new(value))
                }
            }
        });
        if *ty == id {
            // The declared type itself: recognised without `@odata.type`, written without it.
            picks.push(
                quote! { ::std::option::Option::None | ::std::option::Option::Some(#q) => #any::#vi(::std::boxed::Box::new(rest.finish()?)), },
            );
            sers.push(quote! { #any::#vi(v) => ::odata_runtime::__private::serialize_structure(&**v, ::std::option::Option::None, serializer), });
        } else {
            picks.push(
                quote! { #vcfg ::std::option::Option::Some(#q) => #any::#vi(::std::boxed::Box::new(rest.finish()?)), },
            );
            sers.push(quote! { #vcfg #any::#vi(v) => ::odata_runtime::__private::serialize_typed(&**v, serializer), });
        }
    }
    // The default is a default value of the declared type itself when it is concrete (it is
    // written without `@odata.type` and read back as the same variant), else `Other`.
    let default = match variants.iter().find(|(_, ty)| *ty == id) {
        Some((v, _)) => {
            let vi = ident(v);
            quote! { #any::#vi(::std::default::Default::default()) }
        }
        None => quote! { #any::#other(::std::default::Default::default()) },
    };
    let other_doc = format!(
        " A type derived from `{}` that this version does not know (its type name is in `extra`), or a value without `@odata.type` where the declared type is abstract.",
        t.qualified()
    );
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #any {
            #(#decls)*
            #[doc = #other_doc]
            #other(::std::boxed::Box<#base>),
        }

        #cfg
        impl ::std::default::Default for #any {
            fn default() -> Self {
                #default
            }
        }

        #cfg
        impl ::odata_runtime::object::Polymorphic for #any {
            fn decode<'de, A: ::odata_runtime::serde::de::MapAccess<'de>>(
                type_name: ::std::option::Option<&str>,
                rest: ::odata_runtime::object::Rest<'_, A>,
            ) -> ::std::result::Result<Self, A::Error> {
                ::std::result::Result::Ok(match type_name {
                    #(#picks)*
                    _ => #any::#other(::std::boxed::Box::new(rest.finish()?)),
                })
            }
        }

        #cfg
        impl ::odata_runtime::serde::Serialize for #any {
            fn serialize<S: ::odata_runtime::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#sers)*
                    #any::#other(v) => ::odata_runtime::__private::serialize_structure(&**v, ::std::option::Option::None, serializer),
                }
            }
        }

        #cfg
        impl<'de> ::odata_runtime::serde::Deserialize<'de> for #any {
            fn deserialize<D: ::odata_runtime::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::odata_runtime::__private::deserialize_polymorphic(deserializer)
            }
        }

        #cfg
        ::odata_runtime::impl_edm_via_serde!(#any);

        #(#froms)*
    }
}

/// The doc comment and `#[deprecated]` of the enum of enum type `id`; `fallback` says what
/// becomes of values the schema does not know.
pub(super) fn enumeration_attrs(model: &Model, id: TypeId, fallback: &str) -> TokenStream {
    let t = model.ty(id);
    let TypeKind::Enum(e) = &t.kind else { unreachable!("enumeration_attrs() is called for enum types") };
    let mut what = format!("OData enum type `{}`", t.qualified());
    if e.is_flags {
        what.push_str(" (flags: a property of this type holds a set, on the wire as `\"a,b\"`)");
    }
    what.push('.');
    let mut paras = type_docs(t.annotations.description(), t.annotations.long_description(), &what);
    paras.push(fallback.to_string());
    if e.unknown_future_value().is_some() {
        paras.push("An evolvable enum: members after `unknownFutureValue` are sent only to clients that ask with the `Prefer: include-unknown-enum-members` header.".into());
    }
    let doc = docs::attrs(&paras);
    let dep = deprecated(&t.annotations);
    quote! { #doc #dep }
}

/// The doc comment and `#[deprecated]` of member `k` (wire name `wire`) of `e`.
pub(super) fn member_attrs(e: &Enum, k: usize, wire: &str) -> TokenStream {
    let m = &e.members[k];
    let mut vdoc = vec![];
    if let Some(d) = m.annotations.description() {
        vdoc.push(docs::text(d));
    }
    let mut line = format!("`{wire}` (value {}).", m.value);
    match e.unknown_future_value() {
        Some(u) if k == u => line.push_str(" The sentinel the service sends for members newer than the client asked for."),
        Some(u) if k > u => line.push_str(" Sent only with the `Prefer: include-unknown-enum-members` request header; otherwise the service sends `unknownFutureValue`."),
        _ => {}
    }
    vdoc.push(line);
    let vdoc = docs::attrs(&vdoc);
    let vdep = deprecated(&m.annotations);
    quote! { #vdoc #vdep }
}

fn enumeration(model: &Model, plan: &Plan, id: TypeId) -> TokenStream {
    let t = model.ty(id);
    let TypeKind::Enum(e) = &t.kind else { unreachable!("enumeration() is called for enum types") };
    let name = ident(&plan.names[id.0 as usize].name);
    let (variants, other) = &plan.variants[&id];
    let attrs = enumeration_attrs(
        model,
        id,
        &format!("Values this version of the schema does not know are kept in the `{other}` variant, so reading never fails on a new member."),
    );
    let other = ident(other);
    let mut decls = Vec::new();
    let mut entries = Vec::new();
    let mut wires = Vec::new();
    for (k, (wire, rust)) in variants.iter().enumerate() {
        let v = ident(rust);
        let vattrs = member_attrs(e, k, wire);
        decls.push(quote! { #vattrs #v, });
        let index = proc_macro2::Literal::usize_unsuffixed(k);
        entries.push(quote! { #index #v #wire });
        wires.push(wire);
    }
    let by_name = by_name(&wires);
    let other_doc = " A value this version of the schema does not know, kept as received.";
    let cfg = cfg_type(plan, id);
    quote! {
        #attrs
        #cfg
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#decls)*
            #[doc = #other_doc]
            #other(::std::string::String),
        }

        #cfg
        ::odata_runtime::__private::enum_members!(#name, #other, [#(#entries),*], [#(#by_name),*]);
    }
}

//! The request-builder crate: from the container's entity sets and singletons, along navigation
//! properties, one path type per entity type (item and collection), a property enum per entity
//! type for `$select`/`$expand`/`$orderby`, and a method per bound function or action.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::{cfg_ref, cfg_type, docs, features_docs, features_toml, rust_file, CrateOptions, Files};
use crate::model::{Model, Operation, OperationKind, Target, TypeId, TypeKind, TypeUse};
use crate::plan::client::{KeyLiteral, KeyPart};
use crate::plan::{names, Plan, RustType};

/// Builds the client crate's files.
pub fn client_crate(model: &Model, plan: &Plan, opts: &CrateOptions) -> Result<Files, String> {
    let crate_name = format!("{}-client", opts.crate_prefix);
    let model_crate_name = format!("{}_model", opts.crate_prefix.replace('-', "_"));
    let model_crate = ident(&model_crate_name);
    let Some(container) = &model.container else {
        return Ok(Files::new());
    };
    let segment_keys = opts.key_as_segment || crate::plan::client::key_as_segment(model);
    let reachable = reachable_entities(model);
    let names = PathNames::new(plan, &reachable);
    let mut per_module: BTreeMap<String, Vec<TypeId>> = BTreeMap::new();
    for &id in &reachable {
        per_module.entry(plan.names[id.0 as usize].module.clone()).or_default().push(id);
    }
    let mut files = Files::new();
    let mut mods = Vec::new();
    for (module, mut ids) in per_module {
        ids.sort_by(|a, b| plan.names[a.0 as usize].name.cmp(&plan.names[b.0 as usize].name));
        let items = super::format_items(&ids, |&id| {
            let served = crate::plan::client::served(model, id, !opts.ignore_restrictions);
            Ok(entity_paths(model, plan, &names, &ident(&model_crate_name), id, segment_keys, &served))
        })?;
        let ns = &plan.modules[&module];
        let doc = format!(" Request paths of the OData namespace `{ns}`.");
        let inner = quote! {
            #![doc = #doc]
            #![allow(deprecated)]
        };
        files.insert(format!("{crate_name}/src/{}.rs", names::bare(&module)), super::module_file(inner, &items)?);
        let m = ident(&module);
        let mdoc = format!(" `{ns}`.");
        mods.push(quote! { #[doc = #mdoc] pub mod #m; });
    }
    // The entry point: one method per entity set and singleton.
    let service = ident(&plan.service);
    let mut roots = Vec::new();
    let mut children: Vec<(&str, TypeId, bool)> = container
        .entity_sets
        .iter()
        .map(|s| (s.name.as_ref(), s.ty, true))
        .chain(container.singletons.iter().map(|s| (s.name.as_ref(), s.ty, false)))
        .collect();
    children.sort();
    let method_names =
        names::unique(&children.iter().map(|c| c.0).collect::<Vec<_>>(), &reserved_methods(), names::snake, true);
    for (name, ty, collection) in children {
        let m = ident(&method_names[name]);
        let path_ty = names.path(ty, collection);
        let segment = name.to_string();
        let what = if collection { "entity set" } else { "singleton" };
        let doc = format!(" The {what} `{name}` (`{}`).", model.ty(ty).qualified());
        let cfg = cfg_ref(plan, None, &[ty]);
        roots.push(quote! {
            #[doc = #doc]
            #cfg
            pub fn #m(&self) -> #path_ty {
                #path_ty::new(&self.client, ::std::string::String::from(#segment))
            }
        });
    }
    // Unbound operations, through the container's function and action imports.
    let mut imports: Vec<(&Operation, &str)> = Vec::new();
    let mut sorted_imports: Vec<_> = container.imports.iter().collect();
    sorted_imports.sort_by(|a, b| a.name.cmp(&b.name));
    for import in sorted_imports {
        let mut overloads: Vec<&Operation> = model
            .operations
            .iter()
            .filter(|o| !o.is_bound && o.kind == import.kind && o.qualified() == *import.operation)
            .collect();
        overloads.sort_by_cached_key(|o| overload_key(model, o));
        imports.extend(overloads.into_iter().map(|o| (o, import.name.as_ref())));
    }
    let mut root_reserved = reserved_methods();
    root_reserved.extend(method_names.values().cloned());
    roots.extend(operation_methods(model, plan, &model_crate, None, &imports, &root_reserved));
    let service_doc = format!(" Entry point of the service's container `{}.{}`.", container.namespace, container.name);
    let lib_doc = lib_docs(&crate_name, &opts.crate_prefix, &service.to_string()) + &features_docs(plan);
    let lib_lines = lib_doc.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    let lib = quote! {
        #( #![doc = #lib_lines] )*
        #![forbid(unsafe_code)]
        #![allow(clippy::too_many_lines)]
        // An operation's parameters are its method's arguments, however many the schema has.
        #![allow(clippy::too_many_arguments)]

        pub use ::#model_crate as model;
        pub use ::odata_runtime as runtime;
        pub use ::odata_runtime::client::{Body, Client, ClientBuilder, Download, Error, Media, Request, ReturnPreference, ServiceError, Stream, TokenProvider, Transport};
        pub use ::odata_runtime::Collection;

        #(#mods)*

        #[doc = #service_doc]
        #[derive(Clone, Debug)]
        pub struct #service {
            client: ::odata_runtime::client::Client,
        }

        impl #service {
            /// A typed view of the service reached through `client`.
            pub fn new(client: ::odata_runtime::client::Client) -> Self {
                #service { client }
            }

            /// The underlying client.
            pub fn client(&self) -> &::odata_runtime::client::Client {
                &self.client
            }

            #(#roots)*
        }
    };
    files.insert(format!("{crate_name}/src/lib.rs"), rust_file(lib)?);
    files.insert(format!("{crate_name}/Cargo.toml"), cargo_toml(&crate_name, &opts.crate_prefix, opts, plan));
    files.insert(format!("{crate_name}/README.md"), format!("{lib_doc}\n"));
    if let Some(log) = &opts.changelog {
        files.insert(format!("{crate_name}/CHANGELOG.md"), log.clone());
    }
    Ok(files)
}

fn reserved_methods() -> Vec<String> {
    ["new", "client"].iter().map(|s| s.to_string()).collect()
}

fn cargo_toml(crate_name: &str, prefix: &str, opts: &CrateOptions, plan: &Plan) -> String {
    let workspace = if opts.standalone { "\n[workspace]\n" } else { "" };
    let version = &opts.version;
    let (entries, docs_rs) = features_toml(plan, |f| format!("\"{prefix}-model/{f}\""));
    let features = format!("{entries}{docs_rs}");
    let package = super::package_toml(
        crate_name,
        opts,
        &format!("Typed request builders for the OData service described by {prefix}-model."),
    );
    format!(
        "{package}\n[features]\ndefault = [\"reqwest\"]\n# The ready transport on reqwest with rustls; without it, bring a Transport.\nreqwest = [\"odata-runtime/reqwest\"]\n{features}\n[dependencies]\n{}\n{prefix}-model = {{ version = \"{version}\", path = \"../{prefix}-model\" }}\n{workspace}",
        super::runtime_dependency(opts, ", features = [\"client\"]"),
    )
}

fn lib_docs(crate_name: &str, prefix: &str, service: &str) -> String {
    format!(
        "# {crate_name}\n\nTyped request builders generated from OData CSDL metadata, over the `odata-runtime` client.\nThe fluent path mirrors the URL: `{service}::new(client)`, then entity sets and singletons,\nnavigation properties, `by_id(..)` for keys, and the operation (`get`, `list`, bound functions).\nEvery request can be built without being sent (`build()` gives an `http::Request`) or sent\nthrough the client's transport (`send().await`; collections page with `pages()` and `items()`).\nThe response types come from the `{prefix}-model` crate, re-exported as `model`.\n"
    )
}

fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Entity types reachable from the container through navigation properties (declared or
/// inherited), sorted.
fn reachable_entities(model: &Model) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    let Some(c) = &model.container else { return seen };
    let mut queue: VecDeque<TypeId> = c.entity_sets.iter().chain(&c.singletons).map(|s| s.ty).collect();
    while let Some(t) = queue.pop_front() {
        if !seen.insert(t) {
            continue;
        }
        for (_, nav) in model.all_navigation(t) {
            queue.push_back(nav.target);
        }
    }
    seen
}

/// Names of the path and property types per entity type, unique per module.
struct PathNames {
    item: BTreeMap<TypeId, (String, String)>,
    collection: BTreeMap<TypeId, (String, String)>,
    property: BTreeMap<TypeId, (String, String)>,
}

impl PathNames {
    fn new(plan: &Plan, reachable: &BTreeSet<TypeId>) -> PathNames {
        let mut by_module: BTreeMap<&str, Vec<(String, TypeId, u8)>> = BTreeMap::new();
        for &id in reachable {
            let n = &plan.names[id.0 as usize];
            let list = by_module.entry(n.module.as_str()).or_default();
            list.push((format!("{}Path", n.name), id, 0));
            list.push((format!("{}CollectionPath", n.name), id, 1));
            list.push((format!("{}Property", n.name), id, 2));
        }
        let mut out = PathNames { item: BTreeMap::new(), collection: BTreeMap::new(), property: BTreeMap::new() };
        for (module, mut list) in by_module {
            list.sort();
            let mut taken: BTreeSet<String> = BTreeSet::new();
            for (name, id, kind) in list {
                let mut unique = name.clone();
                let mut k = 2;
                while !taken.insert(unique.clone()) {
                    unique = format!("{name}{k}");
                    k += 1;
                }
                let entry = (module.to_string(), unique);
                match kind {
                    0 => out.item.insert(id, entry),
                    1 => out.collection.insert(id, entry),
                    _ => out.property.insert(id, entry),
                };
            }
        }
        out
    }

    fn tokens(entry: &(String, String)) -> TokenStream {
        let m = ident(&entry.0);
        let n = ident(&entry.1);
        quote! { crate::#m::#n }
    }

    fn path(&self, id: TypeId, collection: bool) -> TokenStream {
        let map = if collection { &self.collection } else { &self.item };
        PathNames::tokens(&map[&id])
    }

    fn property(&self, id: TypeId) -> TokenStream {
        PathNames::tokens(&self.property[&id])
    }
}

fn model_type(plan: &Plan, model_crate: &Ident, id: TypeId, any: bool) -> TokenStream {
    let n = &plan.names[id.0 as usize];
    let m = ident(&n.module);
    let name = ident(if any { n.any.as_deref().unwrap_or(&n.name) } else { &n.name });
    quote! { ::#model_crate::#m::#name }
}

fn rust_type(plan: &Plan, model_crate: &Ident, t: &RustType) -> TokenStream {
    match t {
        RustType::Path(p) => p.parse().expect("primitive paths are valid Rust"),
        RustType::Named { id, any } => model_type(plan, model_crate, *id, *any),
        RustType::Flags(id) => {
            let e = model_type(plan, model_crate, *id, false);
            quote! { ::odata_runtime::enums::Flags<#e> }
        }
        RustType::Vec(inner) => {
            let i = rust_type(plan, model_crate, inner);
            quote! { ::std::vec::Vec<#i> }
        }
        RustType::Boxed(inner) => {
            let i = rust_type(plan, model_crate, inner);
            quote! { ::std::boxed::Box<#i> }
        }
    }
}

fn entity_paths(
    model: &Model,
    plan: &Plan,
    names: &PathNames,
    model_crate: &Ident,
    id: TypeId,
    segment_keys: bool,
    writes: &crate::plan::client::Served,
) -> TokenStream {
    let t = model.ty(id);
    let q = t.qualified();
    let item = ident(&names.item[&id].1);
    let coll = ident(&names.collection[&id].1);
    let prop = ident(&names.property[&id].1);
    let prop_path = names.property(id);
    let any = !model.derived[id.0 as usize].is_empty();
    let value_ty = model_type(plan, model_crate, id, any);

    // The property enum: every structural and navigation property, for $select/$expand/$orderby.
    let fields = &plan.fields[&id];
    let variants = names::unique(
        &fields.iter().map(|f| f.wire.as_str()).collect::<Vec<_>>(),
        &[],
        |w| names::pascal(w, "Value"),
        false,
    );
    let mut decls = Vec::new();
    let mut arms = Vec::new();
    for f in fields {
        let v = ident(&variants[&f.wire]);
        let wire = &f.wire;
        let doc = format!(" `{wire}`{}.", if f.navigation { " (navigation)" } else { "" });
        decls.push(quote! { #[doc = #doc] #v, });
        arms.push(quote! { #prop::#v => #wire, });
    }
    let prop_doc = format!(" A property of `{q}`, for `$select`, `$expand` and `$orderby`.");
    let cfg = cfg_type(plan, id);
    let property_enum = if decls.is_empty() {
        quote! {
            #[doc = #prop_doc]
            #cfg
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum #prop {}

            #cfg
            impl ::odata_runtime::client::Field for #prop {
                fn name(self) -> &'static str {
                    match self {}
                }
            }
        }
    } else {
        quote! {
            #[doc = #prop_doc]
            #cfg
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum #prop {
                #(#decls)*
            }

            #cfg
            impl ::odata_runtime::client::Field for #prop {
                fn name(self) -> &'static str {
                    match self {
                        #(#arms)*
                    }
                }
            }
        }
    };

    // Navigation methods on the item path.
    let navs = model.all_navigation(id);
    // Stream properties are reached like navigation: `content()` is the media resource.
    let streams: Vec<String> = model
        .all_properties(id)
        .into_iter()
        .filter(|(_, p)| p.ty == TypeUse { collection: false, target: Target::Primitive("Stream") })
        .map(|(_, p)| p.name.to_string())
        .collect();
    let nav_wires: Vec<&str> =
        navs.iter().map(|(_, n)| n.name.as_ref()).chain(streams.iter().map(String::as_str)).collect();
    let has_stream =
        std::iter::once(id).chain(model.ancestors(id)).any(|t| model.ty(t).structured().is_some_and(|s| s.has_stream));
    let ops_item: Vec<&Operation> = bound_ops(model, id, false);
    let ops_coll: Vec<&Operation> = bound_ops(model, id, true);
    let mut reserved = vec![
        "new".to_string(),
        "get".into(),
        "path".into(),
        "url".into(),
        "list".into(),
        "by_id".into(),
        "update".into(),
        "replace".into(),
        "delete".into(),
        "media".into(),
    ];
    let nav_names = names::unique(&nav_wires, &reserved, names::snake, true);
    reserved.extend(nav_names.values().cloned());
    let mut item_methods = Vec::new();
    for (_, n) in &navs {
        let m = ident(&nav_names[&*n.name]);
        let target = names.path(n.target, n.collection);
        let seg = &n.name;
        let doc = format!(
            " Navigation property `{seg}` (`{}{}`).",
            model.ty(n.target).qualified(),
            if n.collection { ", collection" } else { "" }
        );
        let ncfg = cfg_ref(plan, Some(id), &[n.target]);
        item_methods.push(quote! {
            #[doc = #doc]
            #ncfg
            pub fn #m(&self) -> #target {
                #target::new(&self.client, ::std::format!("{}/{}", self.path, #seg))
            }
        });
    }
    for wire in &streams {
        let m = ident(&nav_names[wire]);
        let doc = format!(" Stream property `{wire}`: its content, read and written with its media type.");
        item_methods.push(quote! {
            #[doc = #doc]
            pub fn #m(&self) -> ::odata_runtime::client::Media {
                ::odata_runtime::client::Media::new(&self.client, ::std::format!("{}/{}", self.path, #wire))
            }
        });
    }
    if has_stream {
        item_methods.push(quote! {
            /// The media resource of this media entity (`$value`): its content, read and written
            /// with its media type.
            pub fn media(&self) -> ::odata_runtime::client::Media {
                ::odata_runtime::client::Media::new(&self.client, ::std::format!("{}/$value", self.path))
            }
        });
    }
    let computed: Vec<String> = model
        .all_properties(id)
        .into_iter()
        .filter(|(_, p)| p.annotations.computed() || p.annotations.get("Org.OData.Core.V1.Immutable").is_some())
        .map(|(_, p)| format!("`{}`", p.name))
        .collect();
    let computed_doc = if computed.is_empty() {
        String::new()
    } else {
        format!(" The service computes or fixes {} (`Core.Computed`, `Core.Immutable`): values set there are ignored or refused.", computed.join(", "))
    };
    if writes.update {
        let doc = format!(
            " `PATCH` the entity: only the properties of `value` that are set are sent, and those marked null (`extra.mark_null(..)`); the others keep their values. The `@odata.etag` of `value` (kept from a read) becomes `If-Match`, so the update fails with 412 (`Error::is_precondition_failed`) when the entity changed since; set another tag with `if_match`, or `if_match_any()`. The answer is the updated entity, or `None` when the service sends none (`prefer_return(ReturnPreference::Minimal)`).{computed_doc}"
        );
        let rdoc = format!(
            " `PUT` the entity: replaces it with `value` (properties left out take their defaults, on most services). ETag and answer as for [`update`](Self::update).{computed_doc}"
        );
        item_methods.push(quote! {
            #[doc = #doc]
            pub fn update(&self, value: &#value_ty) -> ::odata_runtime::client::Request<::std::option::Option<#value_ty>, #prop_path> {
                ::odata_runtime::client::Request::new(&self.client, ::odata_runtime::client::http::Method::PATCH, self.path.clone())
                    .entity(value)
                    .prefer_return(::odata_runtime::client::ReturnPreference::Representation)
            }

            #[doc = #rdoc]
            pub fn replace(&self, value: &#value_ty) -> ::odata_runtime::client::Request<::std::option::Option<#value_ty>, #prop_path> {
                ::odata_runtime::client::Request::new(&self.client, ::odata_runtime::client::http::Method::PUT, self.path.clone())
                    .entity(value)
                    .prefer_return(::odata_runtime::client::ReturnPreference::Representation)
            }
        });
    }
    if writes.delete {
        item_methods.push(quote! {
            /// `DELETE` the entity. When it has an ETag, send it with `if_match(tag)` (or
            /// `if_match_any()`): a wrong tag is 412, a missing one 428 on services that require it.
            pub fn delete(&self) -> ::odata_runtime::client::Request<()> {
                ::odata_runtime::client::Request::new(&self.client, ::odata_runtime::client::http::Method::DELETE, self.path.clone())
            }
        });
    }
    let item_ops: Vec<(&Operation, &str)> = ops_item.iter().map(|o| (*o, o.name.as_ref())).collect();
    item_methods.extend(operation_methods(model, plan, model_crate, Some(id), &item_ops, &reserved));
    let coll_reserved = vec![
        "new".to_string(),
        "list".into(),
        "path".into(),
        "url".into(),
        "by_id".into(),
        "by_key".into(),
        "create".into(),
        "count".into(),
    ];
    let coll_ops: Vec<(&Operation, &str)> = ops_coll.iter().map(|o| (*o, o.name.as_ref())).collect();
    let mut coll_methods = operation_methods(model, plan, model_crate, Some(id), &coll_ops, &coll_reserved);
    if writes.count {
        coll_methods.insert(0, quote! {
            /// `GET .../$count`: the number of entities in the collection (with the filter and
            /// search set on the request).
            pub fn count(&self) -> ::odata_runtime::client::Request<u64> {
                ::odata_runtime::client::Request::new(&self.client, ::odata_runtime::client::http::Method::GET, ::std::format!("{}/$count", self.path))
            }
        });
    }
    if writes.insert {
        let doc = format!(
            " `POST` a new entity to the collection; nested values of navigation properties are created with it (deep insert). The answer is the created entity as stored (`Prefer: return=representation`), or `None` when the service sends none.{computed_doc}"
        );
        coll_methods.insert(0, quote! {
            #[doc = #doc]
            pub fn create(&self, value: &#value_ty) -> ::odata_runtime::client::Request<::std::option::Option<#value_ty>, #prop_path> {
                ::odata_runtime::client::Request::new(&self.client, ::odata_runtime::client::http::Method::POST, self.path.clone())
                    .entity(value)
                    .prefer_return(::odata_runtime::client::ReturnPreference::Representation)
            }
        });
    }

    let by_id = key_method(model, plan, model_crate, id, &item, segment_keys);
    // What the service forbids is left out; the docs say what and why.
    let doc = |first: String, left_out: &[String]| {
        super::docs::attrs(
            &std::iter::once(first).chain(left_out.iter().map(|l| format!("Not offered: {l}"))).collect::<Vec<_>>(),
        )
    };
    let item_doc = doc(format!("The path to one `{q}`."), &writes.left_out_item);
    let coll_doc = doc(format!("The path to a collection of `{q}`."), &writes.left_out_collection);
    let get = writes.read.then(|| {
        quote! {
            /// `GET` the entity.
            pub fn get(&self) -> ::odata_runtime::client::Request<#value_ty, #prop_path> {
                ::odata_runtime::client::Request::new(&self.client, ::odata_runtime::client::http::Method::GET, self.path.clone())
            }
        }
    });
    let list = writes.list.then(|| {
        quote! {
            /// `GET` the collection: one page with `send()`, every page with `pages()`, every item with `items()`.
            pub fn list(&self) -> ::odata_runtime::client::Request<::odata_runtime::Collection<#value_ty>, #prop_path> {
                ::odata_runtime::client::Request::new(&self.client, ::odata_runtime::client::http::Method::GET, self.path.clone())
            }
        }
    });
    // A path the service lets nothing be read through would not use its client: it shows it in
    // `Debug` instead, so no field is dead.
    let debug = match (writes.read, writes.list) {
        (true, true) => TokenStream::new(),
        (false, true) => quote! { #cfg ::odata_runtime::__private::impl_path_debug!(#item); },
        (true, false) => quote! { #cfg ::odata_runtime::__private::impl_path_debug!(#coll); },
        (false, false) => quote! { #cfg ::odata_runtime::__private::impl_path_debug!(#item, #coll); },
    };
    let filters = super::filters::entity_filters(model, plan, model_crate, id, &prop, &cfg, &writes.non_filterable);
    quote! {
        #property_enum

        #filters

        #item_doc
        #cfg
        #[derive(Clone)]
        pub struct #item {
            client: ::odata_runtime::client::Client,
            path: ::std::string::String,
        }

        #cfg
        impl #item {
            /// A path below the service root (already percent-encoded).
            pub fn new(client: &::odata_runtime::client::Client, path: ::std::string::String) -> Self {
                #item { client: client.clone(), path }
            }

            /// The path below the service root.
            pub fn path(&self) -> &str {
                &self.path
            }

            #get

            #(#item_methods)*
        }

        #coll_doc
        #cfg
        #[derive(Clone)]
        pub struct #coll {
            client: ::odata_runtime::client::Client,
            path: ::std::string::String,
        }

        #debug

        #cfg
        impl #coll {
            /// A path below the service root (already percent-encoded).
            pub fn new(client: &::odata_runtime::client::Client, path: ::std::string::String) -> Self {
                #coll { client: client.clone(), path }
            }

            /// The path below the service root.
            pub fn path(&self) -> &str {
                &self.path
            }

            #list

            #by_id

            #(#coll_methods)*
        }
    }
}

/// The key method of a collection path: `by_id(id)` for a single key, `by_key(a, b, ..)` for a
/// composite one; as a key predicate (`Books(ID=..,IsActiveEntity=true)`, `Authors(1)`) or, with
/// `segment_keys`, as path segments (`Books/1`). Nothing when the type has no key, or a key no
/// URL literal can write (a warning of the plan says so).
fn key_method(
    model: &Model,
    plan: &Plan,
    model_crate: &Ident,
    id: TypeId,
    item: &Ident,
    segment_keys: bool,
) -> TokenStream {
    let Ok(Some(parts)) = crate::plan::client::key_parts(model, id) else { return TokenStream::new() };
    let literal_of = |p: &KeyPart| -> (TokenStream, TokenStream) {
        let pn = ident(&p.param);
        match &p.literal {
            KeyLiteral::Primitive(_) if p.string => {
                (quote! { #pn: &str }, quote! { ::odata_runtime::client::literal::Literal::to_literal(#pn) })
            }
            KeyLiteral::Primitive(path) => {
                let ty: TokenStream = path.parse().expect("primitive paths are valid Rust");
                (quote! { #pn: #ty }, quote! { ::odata_runtime::client::literal::Literal::to_literal(&#pn) })
            }
            KeyLiteral::Enum(t) => {
                let ty = rust_type(plan, model_crate, &RustType::Named { id: *t, any: false });
                let q = model.ty(*t).qualified();
                (
                    quote! { #pn: #ty },
                    quote! { ::odata_runtime::__private::enum_member(::std::option::Option::Some(#q), #pn.as_str()) },
                )
            }
        }
    };
    if segment_keys {
        if let [single] = parts.as_slice() {
            // The Microsoft Graph form: `.../{id}`, a string bare.
            let ty = match &single.literal {
                KeyLiteral::Primitive(path) if !single.string => path.parse::<TokenStream>().ok(),
                _ => None,
            };
            return match (single.string, ty) {
                (true, _) => quote! {
                    /// One entity by key, addressed as a path segment (`.../{id}`); the value is
                    /// percent-encoded, so it cannot change the path or the query.
                    pub fn by_id(&self, id: &str) -> #item {
                        #item::new(&self.client, ::std::format!("{}/{}", self.path, ::odata_runtime::__private::encode_segment(id)))
                    }
                },
                (false, Some(ty)) => quote! {
                    /// One entity by key, addressed as a path segment (`.../{id}`).
                    pub fn by_id(&self, id: #ty) -> #item {
                        let literal = ::odata_runtime::client::literal::Literal::to_literal(&id);
                        #item::new(&self.client, ::std::format!("{}/{}", self.path, ::odata_runtime::__private::encode_segment(&literal)))
                    }
                },
                (false, None) => {
                    let (arg, lit) = literal_of(single);
                    quote! {
                        /// One entity by key, addressed as a path segment (`.../{id}`).
                        pub fn by_id(&self, #arg) -> #item {
                            let literal = #lit;
                            #item::new(&self.client, ::std::format!("{}/{}", self.path, ::odata_runtime::__private::encode_segment(&literal)))
                        }
                    }
                }
            };
        }
        let mut args = Vec::new();
        let mut segs = Vec::new();
        for p in &parts {
            let (arg, lit) = literal_of(p);
            args.push(arg);
            let pn = ident(&p.param);
            segs.push(if p.string {
                quote! { ::odata_runtime::__private::encode_segment(#pn) }
            } else {
                quote! { ::odata_runtime::__private::encode_segment(&#lit) }
            });
        }
        let names: Vec<String> = parts.iter().map(|p| format!("`{}`", p.name)).collect();
        let doc = format!(
            " One entity by its key {}, each part a path segment (`.../a/b`), percent-encoded.",
            names.join(", ")
        );
        return quote! {
            #[doc = #doc]
            pub fn by_key(&self, #(#args),*) -> #item {
                let mut path = self.path.clone();
                #( path.push('/'); path.push_str(&#segs); )*
                #item::new(&self.client, path)
            }
        };
    }
    let mut args = Vec::new();
    let mut pairs = Vec::new();
    for p in &parts {
        let (arg, lit) = literal_of(p);
        args.push(arg);
        let name = &p.name;
        pairs.push(quote! { (#name, #lit) });
    }
    let (method, doc) = match parts.as_slice() {
        [single] => (
            ident("by_id"),
            format!(" One entity by its key `{}`: `...(value)`, the value an OData literal, percent-encoded so it cannot change the path.", single.name),
        ),
        _ => {
            let names: Vec<String> = parts.iter().map(|p| format!("`{}`", p.name)).collect();
            (
                ident("by_key"),
                format!(" One entity by its key {}: `...(name=value,...)`, each value an OData literal, percent-encoded so it cannot change the path.", names.join(", ")),
            )
        }
    };
    // A single key keeps the parameter name `id`, whatever the property is called.
    let args = match (parts.as_slice(), args.as_slice()) {
        ([single], [_]) => {
            let (arg, _) = literal_of(&KeyPart { param: "id".into(), ..single.clone() });
            let (_, lit) = literal_of(&KeyPart { param: "id".into(), ..single.clone() });
            let name = &single.name;
            pairs = vec![quote! { (#name, #lit) }];
            vec![arg]
        }
        _ => args,
    };
    quote! {
        #[doc = #doc]
        pub fn #method(&self, #(#args),*) -> #item {
            let key = ::odata_runtime::__private::key_predicate(&[#(#pairs),*]);
            #item::new(&self.client, ::std::format!("{}{}", self.path, key))
        }
    }
}

/// The order of operations and overloads: by name, then by number of parameters, then by the
/// parameters' types, so that document order never decides.
fn overload_key(model: &Model, op: &Operation) -> (String, usize, Vec<String>) {
    let types = op.parameters.iter().map(|p| p.ty.csdl(|t| model.ty(t).qualified())).collect();
    (op.name.to_string(), op.parameters.len(), types)
}

/// Operations bound to the type (or to a collection of it), sorted by name.
fn bound_ops<'a>(model: &'a Model<'a>, id: TypeId, collection: bool) -> Vec<&'a Operation<'a>> {
    let mut ops: Vec<&Operation> =
        model.bound_to(id).filter(|o| o.binding().is_some_and(|b| b.collection == collection)).collect();
    ops.sort_by_cached_key(|o| overload_key(model, o));
    ops
}

fn operation_methods(
    model: &Model,
    plan: &Plan,
    model_crate: &Ident,
    owner: Option<TypeId>,
    ops: &[(&Operation, &str)],
    reserved: &[String],
) -> Vec<TokenStream> {
    // Overloads share a name; `bound_ops` sorts them by parameter count, so the one with the
    // fewest parameters gets the plain name and the others `_2`, `_3`, ... in that order.
    let wires: Vec<String> = ops.iter().map(|o| o.1.to_string()).collect();
    let bound = owner.is_some();
    let mut methods = Vec::new();
    let mut used: Vec<String> = reserved.to_vec();
    for (i, (op, url_name)) in ops.iter().enumerate() {
        // An operation named like a method every path has (`get`, `list`, or `clone` of the
        // derived `Clone`, which it would shadow) is suffixed with its kind: `clone_action`.
        let mut base = names::snake(&wires[i]);
        if reserved.contains(&base) || base == "clone" {
            base = format!("{}_{}", names::bare(&base), kind_name(op.kind));
        }
        let mut name = base.clone();
        let mut k = 2;
        while used.contains(&name) {
            name = format!("{}_{k}", names::bare(&base));
            k += 1;
        }
        used.push(name.clone());
        let m = ident(&name);
        let params: Vec<_> = op.parameters.iter().skip(usize::from(bound)).collect();
        let param_names = names::unique(
            &params.iter().map(|p| p.name.as_ref()).collect::<Vec<_>>(),
            &["self".into()],
            names::snake,
            true,
        );
        let mut args = Vec::new();
        let mut literals = Vec::new();
        let mut optional_literals = Vec::new();
        let mut body_fields = Vec::new();
        let mut optional_fields = Vec::new();
        // Function parameters a URL literal cannot carry (complex, entity, collection values)
        // go as parameter aliases: `f(p=@p)?@p=<JSON>`.
        let mut aliases = Vec::new();
        for p in &params {
            let pn = ident(&param_names[&*p.name]);
            let wire = &p.name;
            // A function's `Core.OptionalParameter` and a nullable action parameter may be left
            // out: `Option<T>`, not sent when `None`.
            let optional = match op.kind {
                OperationKind::Function => p.annotations.get("Org.OData.Core.V1.OptionalParameter").is_some(),
                OperationKind::Action => p.facets.nullable != Some(false),
            };
            let literal_type = match &p.ty {
                TypeUse { collection: false, target: Target::Primitive(x) }
                    if crate::plan::primitive(x) != "::odata_runtime::serde_json::Value" =>
                {
                    Some(RustType::Path(crate::plan::primitive(x)))
                }
                TypeUse { collection: false, target: Target::Named(t) } => match &model.ty(*t).kind {
                    TypeKind::Enum(_) => Some(RustType::Named { id: *t, any: false }),
                    // A type definition is its underlying type: the same literal.
                    TypeKind::Definition { underlying, .. }
                        if crate::plan::primitive(underlying) != "::odata_runtime::serde_json::Value" =>
                    {
                        Some(RustType::Named { id: *t, any: false })
                    }
                    _ => None,
                },
                _ => None,
            };
            let is_enum = |rt: &RustType| match rt {
                RustType::Named { id, .. } => matches!(model.ty(*id).kind, TypeKind::Enum(_)).then_some(*id),
                _ => None,
            };
            let json_type = || rust_type(plan, model_crate, &RustType::of(model, &p.ty));
            let wrap = |ty: TokenStream| {
                if optional {
                    quote! { ::std::option::Option<#ty> }
                } else {
                    ty
                }
            };
            match (op.kind, literal_type) {
                (OperationKind::Function, Some(rt)) => {
                    let ty = rust_type(plan, model_crate, &rt);
                    args.push({
                        let t = wrap(ty);
                        quote! { #pn: #t }
                    });
                    let literal_of = |v: TokenStream| match is_enum(&rt) {
                        Some(id) => {
                            let q = model.ty(id).qualified();
                            quote! { ::odata_runtime::__private::enum_member(::std::option::Option::Some(#q), #v.as_str()) }
                        }
                        None => quote! { ::odata_runtime::client::literal::Literal::to_literal(&#v) },
                    };
                    if optional {
                        let lit = literal_of(quote! { __v });
                        optional_literals.push(quote! {
                            if let ::std::option::Option::Some(__v) = &#pn {
                                __params.push((#wire, #lit));
                            }
                        });
                    } else {
                        let lit = literal_of(quote! { #pn });
                        literals.push(quote! { (#wire, #lit) });
                    }
                }
                (OperationKind::Function, None) => {
                    let ty = json_type();
                    let alias = format!("@{wire}");
                    if optional {
                        args.push(quote! { #pn: ::std::option::Option<#ty> });
                        optional_literals.push(quote! {
                            if #pn.is_some() {
                                __params.push((#wire, ::std::string::String::from(#alias)));
                            }
                        });
                        aliases.push(quote! {
                            let __request = match &#pn {
                                ::std::option::Option::Some(__v) => __request.query_param(#alias, ::odata_runtime::__private::json_value(__v)?.get()),
                                ::std::option::Option::None => __request,
                            };
                        });
                    } else {
                        args.push(quote! { #pn: #ty });
                        literals.push(quote! { (#wire, ::std::string::String::from(#alias)) });
                        aliases.push(quote! {
                            let __request = __request.query_param(#alias, ::odata_runtime::__private::json_value(&#pn)?.get());
                        });
                    }
                }
                (OperationKind::Action, rt) => {
                    let ty = match rt {
                        Some(rt) => rust_type(plan, model_crate, &rt),
                        None => json_type(),
                    };
                    let t = wrap(ty);
                    args.push(quote! { #pn: #t });
                    if optional {
                        optional_fields.push(quote! {
                            if let ::std::option::Option::Some(__v) = &#pn {
                                __fields.push((#wire, ::odata_runtime::__private::json_value(__v)?));
                            }
                        });
                    } else {
                        body_fields.push(quote! { (#wire, ::odata_runtime::__private::json_value(&#pn)?) });
                    }
                }
            }
        }
        let call = if optional_literals.is_empty() {
            quote! { let __call = ::odata_runtime::__private::function_call(#url_name, &[#(#literals),*]); }
        } else {
            quote! {
                let mut __params: ::std::vec::Vec<(&str, ::std::string::String)> = ::std::vec![#(#literals),*];
                #(#optional_literals)*
                let __call = ::odata_runtime::__private::function_call(#url_name, &__params);
            }
        };
        let body = if optional_fields.is_empty() {
            quote! { let __body = ::odata_runtime::__private::json_body(&[#(#body_fields),*])?; }
        } else {
            quote! {
                let mut __fields: ::std::vec::Vec<(&str, ::std::boxed::Box<::odata_runtime::serde_json::value::RawValue>)> = ::std::vec![#(#body_fields),*];
                #(#optional_fields)*
                let __body = ::odata_runtime::__private::json_body(&__fields)?;
            }
        };
        let ret = match &op.return_type {
            None => quote! { () },
            // A stream is the response body itself.
            Some(r) if r.ty == TypeUse { collection: false, target: Target::Primitive("Stream") } => {
                quote! { ::odata_runtime::client::Stream }
            }
            Some(r) => {
                let element = TypeUse { collection: false, target: r.ty.target.clone() };
                let ty = rust_type(plan, model_crate, &RustType::of(model, &element));
                let structured = matches!(r.ty.target, Target::Named(t) if model.ty(t).structured().is_some());
                match (r.ty.collection, structured) {
                    (true, _) => quote! { ::odata_runtime::Collection<#ty> },
                    // An entity or complex value, or nothing (204) when the result is nullable.
                    (false, true) if r.facets.nullable != Some(false) => quote! { ::std::option::Option<#ty> },
                    (false, true) => ty,
                    // A single primitive, enum or type definition value: `{"value": ...}`.
                    (false, false) => quote! { ::odata_runtime::Single<#ty> },
                }
            }
        };
        let doc = docs::attrs(&[
            op.annotations.description().map(docs::text).unwrap_or_default(),
            if bound {
                format!("Bound {} `{}`.", kind_name(op.kind), op.qualified())
            } else {
                format!("{} import `{url_name}` (unbound `{}`).", capital_kind(op.kind), op.qualified())
            },
        ]);
        let wire_name = *url_name;
        let fn_path = if bound {
            quote! { ::std::format!("{}/{}", self.path, __call) }
        } else {
            quote! { __call }
        };
        let action_path = if bound {
            quote! { ::std::format!("{}/{}", self.path, #wire_name) }
        } else {
            quote! { ::std::string::String::from(#wire_name) }
        };
        let named: Vec<TypeId> = op
            .parameters
            .iter()
            .map(|p| &p.ty)
            .chain(op.return_type.iter().map(|r| &r.ty))
            .filter_map(|u| match u.target {
                Target::Named(t) => Some(t),
                Target::Primitive(_) => None,
            })
            .collect();
        let cfg = cfg_ref(plan, owner, &named);
        let method = match op.kind {
            OperationKind::Function if !aliases.is_empty() => quote! {
                #doc
                #cfg
                pub fn #m(&self, #(#args),*) -> ::std::result::Result<::odata_runtime::client::Request<#ret>, ::odata_runtime::client::Error> {
                    #call
                    let __request = ::odata_runtime::client::Request::new(&self.client, ::odata_runtime::client::http::Method::GET, #fn_path);
                    #(#aliases)*
                    ::std::result::Result::Ok(__request)
                }
            },
            OperationKind::Function => quote! {
                #doc
                #cfg
                pub fn #m(&self, #(#args),*) -> ::odata_runtime::client::Request<#ret> {
                    #call
                    ::odata_runtime::client::Request::new(&self.client, ::odata_runtime::client::http::Method::GET, #fn_path)
                }
            },
            OperationKind::Action => quote! {
                #doc
                #cfg
                pub fn #m(&self, #(#args),*) -> ::std::result::Result<::odata_runtime::client::Request<#ret>, ::odata_runtime::client::Error> {
                    #body
                    ::std::result::Result::Ok(
                        ::odata_runtime::client::Request::new(&self.client, ::odata_runtime::client::http::Method::POST, #action_path)
                            .body(__body),
                    )
                }
            },
        };
        methods.push(method);
    }
    methods
}

fn capital_kind(k: OperationKind) -> &'static str {
    match k {
        OperationKind::Action => "Action",
        OperationKind::Function => "Function",
    }
}

fn kind_name(k: OperationKind) -> &'static str {
    match k {
        OperationKind::Action => "action",
        OperationKind::Function => "function",
    }
}

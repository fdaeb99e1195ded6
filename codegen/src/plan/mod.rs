//! `plan`: every Rust decision in one place. Module of each namespace, Rust names of types,
//! fields, variants and the companions the emitter adds, the Edm -> Rust type mapping, which
//! types are polymorphic, and which fields are boxed to break recursion (by a graph rule).

pub mod client;
pub mod features;
pub mod names;

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Model, Target, TypeDef, TypeId, TypeKind, TypeUse};

/// Where a type lives and what it is called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeName {
    /// Module (snake case), e.g. `call_records`.
    pub module: String,
    /// Rust type name, e.g. `CallRecord`.
    pub name: String,
    /// For a type with derived types: the enum over it and its derived types, e.g. `AnyEndpoint`.
    pub any: Option<String>,
}

/// A Rust type for a property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustType {
    /// A path to a type of std or the runtime, e.g. `::std::string::String`.
    Path(&'static str),
    /// A generated structured type (`any`: its polymorphic enum), enum or type definition.
    Named {
        /// The model type.
        id: TypeId,
        /// Use the `Any*` enum of a type with derived types.
        any: bool,
    },
    /// A flags enum as a set.
    Flags(TypeId),
    /// `Vec<T>`.
    Vec(Box<RustType>),
    /// `Box<T>`.
    Boxed(Box<RustType>),
}

/// A field of a generated struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Wire name.
    pub wire: String,
    /// Rust name.
    pub rust: String,
    /// Rust type (inside the `Option`).
    pub ty: RustType,
    /// The type that declares the property (differs from the owner when inherited).
    pub declared_in: TypeId,
    /// Navigation property (`false`: structural).
    pub navigation: bool,
    /// Index in the declaring type's property or navigation list.
    pub index: usize,
}

/// Every decision for one model.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Per type id.
    pub names: Vec<TypeName>,
    /// The client's entry-point type, named after the entity container (never one of the
    /// names the client crate defines at its root).
    pub service: String,
    /// Module name -> namespace, sorted.
    pub modules: BTreeMap<String, String>,
    /// The root namespace (types of other namespaces live in modules named after their suffix).
    pub root_namespace: String,
    /// Per structured type id: its fields, inherited first.
    pub fields: BTreeMap<TypeId, Vec<Field>>,
    /// Per structured type id: the name of the field that keeps unknown data.
    pub extra_field: BTreeMap<TypeId, String>,
    /// Per enum type id: (wire member, Rust variant) in member order, then the fallback variant.
    pub variants: BTreeMap<TypeId, (Vec<(String, String)>, String)>,
    /// Per polymorphic type id: (variant name, concrete type) for the type itself (when not
    /// abstract) and every derived type, then the fallback variant name.
    pub any_variants: BTreeMap<TypeId, (Vec<(String, TypeId)>, String)>,
    /// The cargo features the crates are split into (`None`: one crate, everything compiled).
    pub features: Option<features::Features>,
    /// What the generated crates approximate, one warning per kind (see [`approximations`]).
    pub warnings: Vec<crate::diag::Diagnostic>,
}

impl Plan {
    /// Plans `model`, in named passes: module names, type names, then per type its fields (and
    /// the name of the unknown-data field), its `Any*` variants or its enum variants.
    pub fn new(model: &Model) -> Plan {
        let root_namespace = root_namespace(model);
        let (modules, module_of_ns) = module_names(model, &root_namespace);
        let type_names = type_names(model, &module_of_ns);
        let boxed = recursive_edges(model);
        let mut fields = BTreeMap::new();
        let mut extra_field = BTreeMap::new();
        let mut variants = BTreeMap::new();
        let mut any_variants = BTreeMap::new();
        for (i, t) in model.types.iter().enumerate() {
            let id = TypeId(i as u32);
            match &t.kind {
                TypeKind::Structured(_) => {
                    let (planned, extra) = struct_fields(model, id, &boxed);
                    fields.insert(id, planned);
                    extra_field.insert(id, extra);
                    if !model.derived[i].is_empty() {
                        any_variants.insert(id, polymorphic_variants(model, id, &type_names));
                    }
                }
                TypeKind::Enum(e) => {
                    variants.insert(id, enum_variants(e));
                }
                TypeKind::Definition { .. } => {}
            }
        }
        let service = model.container.as_ref().map_or_else(String::new, |c| {
            names::free(&names::pascal(&c.name, "Service"), false, |n| names::CRATE_ROOT_ITEMS.contains(&n))
        });
        Plan {
            names: type_names,
            service,
            modules,
            root_namespace,
            fields,
            extra_field,
            variants,
            any_variants,
            features: None,
            warnings: approximations(model).into_iter().chain(client::warnings(model)).collect(),
        }
    }

    /// Plans `model` split into cargo features (see [`features`]).
    pub fn with_features(model: &Model) -> Plan {
        let mut plan = Plan::new(model);
        let root = plan.root_namespace.clone();
        plan.features = Some(features::Features::new(model, &root, |ns| module_name(ns, &root)));
        plan
    }
}

/// Pass 1: a module per namespace, in namespace order: (module -> namespace, namespace ->
/// module). A module never takes a name the crates define at their root.
fn module_names(model: &Model, root_namespace: &str) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let mut modules = BTreeMap::new();
    let mut module_of_ns = BTreeMap::new();
    let mut namespaces: Vec<&str> = model.schemas.iter().map(|s| s.namespace.as_ref()).collect();
    namespaces.sort_unstable();
    for ns in namespaces {
        let wanted = module_name(ns, root_namespace);
        let name = names::free(&wanted, true, |n| modules.contains_key(n) || names::CRATE_ROOT_ITEMS.contains(&n));
        modules.insert(name.clone(), ns.to_string());
        module_of_ns.insert(ns.to_string(), name);
    }
    (modules, module_of_ns)
}

/// Pass 2: type names per module: schema types first, then the `Any*` companions, which yield.
fn type_names(model: &Model, module_of_ns: &BTreeMap<String, String>) -> Vec<TypeName> {
    let mut by_module: BTreeMap<&str, Vec<(TypeId, &TypeDef)>> = BTreeMap::new();
    for (i, t) in model.types.iter().enumerate() {
        let module = module_of_ns.get(&*t.namespace).map_or("", String::as_str);
        by_module.entry(module).or_default().push((TypeId(i as u32), t));
    }
    let mut type_names = vec![TypeName { module: String::new(), name: String::new(), any: None }; model.types.len()];
    for (module, types) in &by_module {
        let wires: Vec<&str> = types.iter().map(|(_, t)| t.name.as_ref()).collect();
        let plain = names::unique(&wires, &[], |w| names::pascal(w, "Type"), false);
        let mut taken: Vec<String> = plain.values().cloned().collect();
        for (id, t) in types {
            let name = plain[&*t.name].clone();
            let any = if model.derived[id.0 as usize].is_empty() {
                None
            } else {
                let any = names::free(&format!("Any{name}"), false, |n| taken.iter().any(|t| t == n));
                taken.push(any.clone());
                Some(any)
            };
            type_names[id.0 as usize] = TypeName { module: module.to_string(), name, any };
        }
    }
    type_names
}

/// Pass 3a: the fields of a structured type, inherited first, and the name of its unknown-data
/// field (`extra`, unless a property takes it).
fn struct_fields(model: &Model, id: TypeId, boxed: &BTreeSet<(TypeId, TypeId, bool, usize)>) -> (Vec<Field>, String) {
    let mut list: Vec<(String, TypeId, bool, usize, RustType)> = Vec::new();
    for owner in model.ancestors(id).into_iter().rev().chain([id]) {
        let Some(s) = model.ty(owner).structured() else { continue };
        for (k, p) in s.properties.iter().enumerate() {
            let ty = rust_type(model, &p.ty, boxed.contains(&(id, owner, false, k)));
            list.push((p.name.to_string(), owner, false, k, ty));
        }
        for (k, n) in s.navigation.iter().enumerate() {
            let u = TypeUse { collection: n.collection, target: Target::Named(n.target) };
            let ty = rust_type(model, &u, boxed.contains(&(id, owner, true, k)));
            list.push((n.name.to_string(), owner, true, k, ty));
        }
    }
    let wires: Vec<&str> = list.iter().map(|f| f.0.as_str()).collect();
    let rust = names::unique(&wires, &[], names::snake, true);
    let extra = names::free("extra", true, |n| rust.values().any(|r| names::bare(r) == n));
    let mut seen = BTreeSet::new();
    let planned = list
        .into_iter()
        // A redeclared inherited property is reported by resolve; keep the first.
        .filter(|f| seen.insert(f.0.clone()))
        .map(|(wire, declared_in, navigation, index, ty)| Field {
            rust: rust[&wire].clone(),
            wire,
            ty,
            declared_in,
            navigation,
            index,
        })
        .collect();
    (planned, extra)
}

/// Pass 3b: the variants of the `Any*` enum of a type with derived types: the type itself when
/// concrete, then every concrete derived type (a name met twice gets its module as prefix), and
/// the fallback variant's name.
fn polymorphic_variants(model: &Model, id: TypeId, type_names: &[TypeName]) -> (Vec<(String, TypeId)>, String) {
    let abstract_ = model.ty(id).structured().is_some_and(|s| s.is_abstract);
    let mut concrete: Vec<TypeId> = Vec::new();
    if !abstract_ {
        concrete.push(id);
    }
    concrete.extend(
        model.all_derived(id).into_iter().filter(|d| !model.ty(*d).structured().is_some_and(|s| s.is_abstract)),
    );
    let mut taken: Vec<String> = Vec::new();
    let mut vs = Vec::new();
    for c in concrete {
        let n = &type_names[c.0 as usize];
        let mut v = n.name.clone();
        if taken.contains(&v) {
            v = format!("{}{}", names::pascal(&n.module, "Module"), n.name);
        }
        taken.push(v.clone());
        vs.push((v, c));
    }
    let other = names::free("Other", false, |n| taken.iter().any(|t| t == n));
    (vs, other)
}

/// Pass 3c: an enum's (wire member, Rust variant) pairs in member order and the fallback
/// variant's name.
fn enum_variants(e: &crate::model::Enum) -> (Vec<(String, String)>, String) {
    let wires: Vec<&str> = e.members.iter().map(|m| m.name.as_ref()).collect();
    let rust = names::unique(&wires, &[], |w| names::pascal(w, "Value"), false);
    let other = names::free("Other", false, |n| rust.values().any(|r| r == n));
    (e.members.iter().map(|m| (m.name.to_string(), rust[&*m.name].clone())).collect(), other)
}

/// Warnings for what the generated crates do not type exactly: spatial values kept as GeoJSON,
/// abstract and untyped values kept as JSON, stream properties (their content goes through
/// `$value`), and keys that no key method can take. One warning per Edm type, with where it is
/// used (the first few places), so a large service does not print thousands of lines.
pub fn approximations(model: &Model) -> Vec<crate::diag::Diagnostic> {
    let mut uses: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut note = |u: &TypeUse, place: String| {
        if let Target::Primitive(p) = u.target {
            if primitive(p) == "::odata_runtime::serde_json::Value" {
                uses.entry(p).or_default().push(place);
            }
        }
    };
    for t in &model.types {
        if let Some(st) = t.structured() {
            for p in &st.properties {
                note(&p.ty, format!("{}/{}", t.qualified(), p.name));
            }
        }
    }
    for o in &model.operations {
        for p in &o.parameters {
            note(&p.ty, format!("{}.{}({})", o.namespace, o.name, p.name));
        }
        // A stream result is the client's `Stream` (body and media type), not an approximation.
        if let Some(r) = o.return_type.as_ref().filter(|r| r.ty.target != Target::Primitive("Stream")) {
            note(&r.ty, format!("{}.{} (result)", o.namespace, o.name));
        }
    }
    let mut out = Vec::new();
    for (p, places) in uses {
        let how = if p.starts_with("Geography") || p.starts_with("Geometry") {
            "GeoJSON in `serde_json::Value` (no typed spatial representation)"
        } else if p == "Stream" {
            "`serde_json::Value` holding whatever the payload carries inline (the content itself is read and written through `$value`; media links stay in `extra`)"
        } else {
            "untyped JSON, `serde_json::Value`"
        };
        let shown: Vec<&str> = places.iter().take(3).map(String::as_str).collect();
        let more = if places.len() > 3 { format!(" and {} more", places.len() - 3) } else { String::new() };
        out.push(crate::diag::Diagnostic::unlocated(
            crate::diag::Severity::Warning,
            "",
            format!("Edm.{p} is generated as {how}: {}{more}", shown.join(", ")),
        ));
    }
    out
}

impl RustType {
    /// The Rust type of a value of `u`: a primitive's path, the `Any*` enum of a structured
    /// type with derived types, a set for a flags enum, a `Vec` for a collection.
    pub fn of(model: &Model, u: &TypeUse) -> RustType {
        let inner = match &u.target {
            Target::Primitive(p) => RustType::Path(primitive(p)),
            Target::Named(id) => match &model.ty(*id).kind {
                TypeKind::Enum(e) if e.is_flags => RustType::Flags(*id),
                TypeKind::Structured(_) => RustType::Named { id: *id, any: !model.derived[id.0 as usize].is_empty() },
                _ => RustType::Named { id: *id, any: false },
            },
        };
        if u.collection {
            RustType::Vec(Box::new(inner))
        } else {
            inner
        }
    }

    /// The generated type this Rust type names, if any.
    pub fn named(&self) -> Option<TypeId> {
        match self {
            RustType::Path(_) => None,
            RustType::Named { id, .. } | RustType::Flags(id) => Some(*id),
            RustType::Vec(inner) | RustType::Boxed(inner) => inner.named(),
        }
    }
}

/// The namespace of the entity container, else the shortest namespace that prefixes others.
fn root_namespace(model: &Model) -> String {
    if let Some(c) = &model.container {
        return c.namespace.to_string();
    }
    let mut namespaces: Vec<&str> = model.schemas.iter().map(|s| s.namespace.as_ref()).collect();
    namespaces.sort_by_key(|n| (n.len(), *n));
    namespaces
        .iter()
        .find(|n| namespaces.iter().any(|o| o.len() > n.len() && o.starts_with(&format!("{n}."))))
        .or(namespaces.first())
        .map(|s| s.to_string())
        .unwrap_or_default()
}

/// `microsoft.graph.callRecords` under `microsoft.graph` -> `call_records`; the root itself ->
/// its last segment (`graph`); other namespaces -> all segments.
pub fn module_name(ns: &str, root: &str) -> String {
    let rest = if ns == root {
        ns.rsplit('.').next().unwrap_or(ns).to_string()
    } else if let Some(rest) = ns.strip_prefix(root).and_then(|r| r.strip_prefix('.')) {
        rest.to_string()
    } else {
        ns.to_string()
    };
    let joined: Vec<String> =
        rest.split('.').map(|s| names::bare(&names::snake(s)).trim_end_matches('_').to_string()).collect();
    names::snake(&joined.join("_"))
}

/// Edm -> Rust.
pub fn primitive(name: &str) -> &'static str {
    match name {
        "String" => "::std::string::String",
        "Boolean" => "bool",
        "Byte" => "u8",
        "SByte" => "i8",
        "Int16" => "i16",
        "Int32" => "i32",
        "Int64" => "i64",
        "Single" => "f32",
        "Double" => "f64",
        "Decimal" => "::odata_runtime::edm::Decimal",
        "Duration" => "::odata_runtime::edm::Duration",
        "DateTimeOffset" => "::odata_runtime::edm::DateTimeOffset",
        "Date" => "::odata_runtime::edm::Date",
        "TimeOfDay" => "::odata_runtime::edm::TimeOfDay",
        "Guid" => "::odata_runtime::edm::Guid",
        "Binary" => "::odata_runtime::edm::Binary",
        "AnnotationPath" | "PropertyPath" | "NavigationPropertyPath" | "ModelElementPath" | "AnyPropertyPath" => {
            "::std::string::String"
        }
        // Streams, spatial values (GeoJSON), untyped and abstract types stay JSON.
        _ => "::odata_runtime::serde_json::Value",
    }
}

fn rust_type(model: &Model, u: &TypeUse, boxed: bool) -> RustType {
    match RustType::of(model, u) {
        RustType::Vec(inner) => RustType::Vec(inner),
        inner if boxed => RustType::Boxed(Box::new(inner)),
        inner => inner,
    }
}

/// Fields that must be boxed: a single-valued property whose type can reach back to the owner
/// through single-valued properties. Nodes are structured types; an edge goes from every type
/// that has a single-valued property (declared or inherited) to the property's type, unless
/// that type has derived types (then the field holds an `Any*` enum, whose variants are
/// boxed). `Vec` breaks a cycle, so collections make no edge. Returns (owner, declaring type,
/// navigation?, index).
/// A single-valued property: (declaring type, navigation?, index, the types it can hold).
type SingleEdge = (TypeId, bool, usize, Vec<TypeId>);

fn recursive_edges(model: &Model) -> BTreeSet<(TypeId, TypeId, bool, usize)> {
    let n = model.types.len();
    let mut targets_of: Vec<Vec<SingleEdge>> = vec![Vec::new(); n];
    for (i, _) in model.types.iter().enumerate() {
        let id = TypeId(i as u32);
        if model.ty(id).structured().is_none() {
            continue;
        }
        for owner in model.ancestors(id).into_iter().rev().chain([id]) {
            let s = model.ty(owner).structured().expect("structured");
            let props = s.properties.iter().enumerate().filter(|(_, p)| !p.ty.collection).filter_map(|(k, p)| match p
                .ty
                .target
            {
                Target::Named(t) if model.ty(t).structured().is_some() => Some((false, k, t)),
                _ => None,
            });
            let navs =
                s.navigation.iter().enumerate().filter(|(_, nv)| !nv.collection).map(|(k, nv)| (true, k, nv.target));
            for (nav, k, t) in props.chain(navs) {
                // A type with derived types is held as its Any* enum, whose variants are boxed:
                // no value is held inline, so no edge.
                if model.derived[t.0 as usize].is_empty() {
                    targets_of[i].push((owner, nav, k, vec![t]));
                }
            }
        }
    }
    let adjacency: Vec<Vec<usize>> = targets_of
        .iter()
        .map(|es| es.iter().flat_map(|(_, _, _, r)| r.iter().map(|t| t.0 as usize)).collect())
        .collect();
    let scc = tarjan(&adjacency);
    let mut out = BTreeSet::new();
    for (i, es) in targets_of.iter().enumerate() {
        for (owner, nav, k, reach) in es {
            if reach.iter().any(|t| scc[t.0 as usize] == scc[i]) {
                out.insert((TypeId(i as u32), *owner, *nav, *k));
            }
        }
    }
    out
}

/// Strongly connected components (iterative Tarjan); returns a component number per node.
fn tarjan(adj: &[Vec<usize>]) -> Vec<usize> {
    let n = adj.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut comp = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut next_comp = 0;
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(&(v, edge)) = work.last() {
            if edge == 0 && index[v] == usize::MAX {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = adj[v].get(edge) {
                if let Some(top) = work.last_mut() {
                    top.1 += 1;
                }
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = next_comp;
                    if w == v {
                        break;
                    }
                }
                next_comp += 1;
            }
        }
    }
    comp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_follow_namespaces() {
        assert_eq!(module_name("microsoft.graph.callRecords", "microsoft.graph"), "call_records");
        assert_eq!(module_name("microsoft.graph", "microsoft.graph"), "graph");
        assert_eq!(module_name("other.ns", "microsoft.graph"), "other_ns");
        assert_eq!(module_name("a.type", "a"), "r#type");
    }

    #[test]
    fn tarjan_finds_cycles() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 alone
        let adj = vec![vec![1], vec![2], vec![0], vec![3], vec![]];
        let c = tarjan(&adj);
        assert!(c[0] == c[1] && c[1] == c[2]);
        assert_ne!(c[3], c[0]);
        assert_ne!(c[4], c[3]);
    }
}

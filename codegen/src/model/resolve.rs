//! `resolve`: the syntax tree to the semantic model. Assigns every named type an id before
//! converting any of them, so forward references and cycles need no special case; then
//! resolves names through namespaces and aliases, checks the rules a generator relies on,
//! and attaches external annotations to their targets. Every problem becomes a diagnostic.

use std::borrow::Cow;

use rustc_hash::FxHashMap as HashMap;

use super::*;
use crate::csdl::ast;
use crate::diag::{Diagnostics, Severity, Sources};

/// The primitive types of CSDL 4.01 (after `Edm.`), abstract ones included.
pub const PRIMITIVES: &[&str] = &[
    "Binary",
    "Boolean",
    "Byte",
    "Date",
    "DateTimeOffset",
    "Decimal",
    "Double",
    "Duration",
    "Guid",
    "Int16",
    "Int32",
    "Int64",
    "SByte",
    "Single",
    "Stream",
    "String",
    "TimeOfDay",
    "Geography",
    "GeographyPoint",
    "GeographyLineString",
    "GeographyPolygon",
    "GeographyMultiPoint",
    "GeographyMultiLineString",
    "GeographyMultiPolygon",
    "GeographyCollection",
    "Geometry",
    "GeometryPoint",
    "GeometryLineString",
    "GeometryPolygon",
    "GeometryMultiPoint",
    "GeometryMultiLineString",
    "GeometryMultiPolygon",
    "GeometryCollection",
    "PrimitiveType",
    "Untyped",
    "AnnotationPath",
    "PropertyPath",
    "NavigationPropertyPath",
    "ModelElementPath",
    "AnyPropertyPath",
];

/// Abstract structured types usable in some positions (`Edm.EntityType`, `Edm.ComplexType`).
const ABSTRACT_STRUCTURED: &[&str] = &["EntityType", "ComplexType"];

/// A reference whose document was not given: the namespaces it includes, so a use of them can
/// be reported with the reference that would have supplied them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingReference {
    /// `Uri` as written.
    pub uri: String,
    /// The name the document would have had in the set (the URI resolved against its referrer).
    pub resolved: String,
    /// Namespaces it includes.
    pub namespaces: Vec<String>,
    /// Offset of the `edmx:Reference` element.
    pub offset: u32,
}

/// Resolves the syntax trees of a set of documents into one model: the first is the main
/// document (its version and references are the model's), the others are the documents its
/// references point at. Aliases are scoped to the document that declares them; offsets are
/// global in `src`. The model is returned even when there are errors (it is then incomplete:
/// unresolved references are left out), so every problem can be reported at once.
pub fn resolve<'s>(
    docs: Vec<ast::Document<'s>>,
    src: &Sources<'_>,
    missing: &[MissingReference],
) -> (Model<'s>, Diagnostics) {
    let mut r = Resolver {
        src,
        diags: Diagnostics::default(),
        scopes: Vec::new(),
        scope: 0,
        missing,
        missing_used: vec![false; missing.len()],
        cursor: (TypeId(0), 0),
    };
    let model = r.run(docs);
    r.report_unused_missing();
    (model, r.diags)
}

/// The hashes of the names declared so far in one type, kept only for types with many
/// members: a name whose hash is absent is certainly new, so duplicate checks need the linear
/// search only on a hash hit.
struct NameHashes(Option<rustc_hash::FxHashSet<u64>>);

impl NameHashes {
    /// Below this many members a linear search is cheaper than hashing.
    const MIN: usize = 16;

    fn new(members: usize) -> Self {
        NameHashes((members > Self::MIN).then(|| {
            let mut set = rustc_hash::FxHashSet::default();
            set.reserve(members);
            set
        }))
    }

    fn hash(name: &str) -> u64 {
        use std::hash::{BuildHasher, BuildHasherDefault};
        BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(name)
    }

    fn may_contain(&self, name: &str) -> bool {
        self.0.as_ref().is_none_or(|set| set.contains(&Self::hash(name)))
    }

    fn insert(&mut self, name: &str) {
        if let Some(set) = &mut self.0 {
            set.insert(Self::hash(name));
        }
    }
}

/// Look-ups built once for attaching external annotations.
struct Index<'s> {
    /// Namespace -> operation name -> overloads.
    ops_by_name: HashMap<Str<'s>, HashMap<Str<'s>, Vec<usize>>>,
    container: Option<String>,
}

struct Resolver<'a, 's> {
    src: &'a Sources<'a>,
    diags: Diagnostics,
    /// Per document: alias or namespace -> namespace.
    scopes: Vec<HashMap<Str<'s>, Str<'s>>>,
    /// The document whose element is being resolved (its alias scope).
    scope: usize,
    /// References that were not loaded, and which of them something needed.
    missing: &'a [MissingReference],
    missing_used: Vec<bool>,
    /// The type and property index after the last property an annotation block targeted.
    cursor: (TypeId, usize),
}

/// Where a type came from, for the second pass.
enum Pending<'s> {
    Structured(ast::StructuredType<'s>),
    Enum(ast::EnumType<'s>),
    Definition(ast::TypeDefinition<'s>),
}

impl<'a, 's> Resolver<'a, 's> {
    fn error(&mut self, offset: u32, path: impl Into<String>, msg: impl Into<String>) {
        let d = self.src.diagnostic(Severity::Error, offset as usize, path, msg);
        self.diags.push(d);
    }

    /// Enters the alias scope of the document that holds `offset`.
    fn enter(&mut self, offset: u32) {
        self.scope = self.src.index_of(offset as usize).min(self.scopes.len().saturating_sub(1));
    }

    fn aliases(&self) -> Option<&HashMap<Str<'s>, Str<'s>>> {
        self.scopes.get(self.scope)
    }

    /// The reference that would have supplied `namespace`, if it was not loaded.
    fn missing_for(&mut self, namespace: &str) -> Option<&'a MissingReference> {
        let i = self.missing.iter().position(|m| m.namespaces.iter().any(|n| n == namespace))?;
        self.missing_used[i] = true;
        Some(&self.missing[i])
    }

    /// A reference that was not loaded and that nothing but annotation terms needed.
    fn report_unused_missing(&mut self) {
        for (m, used) in self.missing.iter().zip(&self.missing_used) {
            if !used {
                let d = self.src.diagnostic(
                    Severity::Warning,
                    m.offset as usize,
                    "Reference",
                    format!(
                        "referenced document {} was not loaded; its namespaces ({}) are used here only for annotation terms, which are ignored",
                        m.uri,
                        m.namespaces.join(", ")
                    ),
                );
                self.diags.push(d);
            }
        }
    }

    fn warn(&mut self, offset: u32, path: impl Into<String>, msg: impl Into<String>) {
        let d = self.src.diagnostic(Severity::Warning, offset as usize, path, msg);
        self.diags.push(d);
    }

    /// `graph.user` -> `microsoft.graph.user`; names without a known prefix stay as written.
    fn qualified<'x>(&self, name: &'x str) -> Cow<'x, str> {
        match name.rsplit_once('.') {
            Some((ns, local)) => match self.aliases().and_then(|a| a.get(ns)) {
                Some(full) if full != ns => Cow::Owned(format!("{full}.{local}")),
                _ => Cow::Borrowed(name),
            },
            None => Cow::Borrowed(name),
        }
    }

    /// [`Self::qualified`] for a string of the document: still borrowed when unchanged.
    fn qualify(&self, name: Str<'s>) -> Str<'s> {
        match name {
            Str::Borrowed(b) => self.qualified(b),
            Str::Owned(o) => match self.qualified(&o) {
                Cow::Owned(changed) => Str::Owned(changed),
                Cow::Borrowed(_) => Str::Owned(o),
            },
        }
    }

    fn run(&mut self, docs: Vec<ast::Document<'s>>) -> Model<'s> {
        let mut model = Model::default();
        let mut seen_ns: HashMap<Str<'s>, u32> = HashMap::default();
        let mut schemas = Vec::new();
        for (i, doc) in docs.into_iter().enumerate() {
            let mut aliases: HashMap<Str<'s>, Str<'s>> = HashMap::default();
            for r in &doc.references {
                for inc in &r.includes {
                    if let Some(a) = &inc.alias {
                        aliases.insert(a.clone(), inc.namespace.clone());
                    }
                }
            }
            if i == 0 {
                model.version = doc.version;
                model.references = doc
                    .references
                    .iter()
                    .map(|r| Reference {
                        uri: r.uri.clone(),
                        includes: r.includes.iter().map(|i| (i.namespace.clone(), i.alias.clone())).collect(),
                    })
                    .collect();
            }
            for s in &doc.schemas {
                if let Some(&first) = seen_ns.get(&s.namespace) {
                    let at = self.src.place(first as usize, s.offset as usize);
                    self.error(
                        s.offset,
                        format!("Schema[{}]", s.namespace),
                        format!("duplicate schema namespace {}: first declared at {at}", s.namespace),
                    );
                }
                seen_ns.insert(s.namespace.clone(), s.offset);
                aliases.insert(s.namespace.clone(), s.namespace.clone());
                if let Some(a) = &s.alias {
                    aliases.insert(a.clone(), s.namespace.clone());
                }
            }
            // Scopes are indexed like the sources: the caller gives one tree per source.
            self.scopes.push(aliases);
            schemas.extend(doc.schemas);
        }

        // Pass 1: ids for every named type.
        let mut pending: Vec<Pending<'s>> = Vec::new();
        let mut blocks = Vec::new();
        let mut containers = Vec::new();
        let mut operations = Vec::new();
        for s in schemas {
            self.enter(s.offset);
            let ns = s.namespace;
            let schema_path = format!("Schema[{ns}]");
            // Document order, so "first declared" means first in the file: each list is in
            // document order already, so they are merged rather than sorted.
            let mut entity = s.entity_types.into_iter().peekable();
            let mut complex = s.complex_types.into_iter().peekable();
            let mut enums = s.enum_types.into_iter().peekable();
            let mut definitions = s.type_definitions.into_iter().peekable();
            loop {
                let heads = [
                    entity.peek().map(|t| t.offset),
                    complex.peek().map(|t| t.offset),
                    enums.peek().map(|t| t.offset),
                    definitions.peek().map(|t| t.offset),
                ];
                let first = heads.iter().enumerate().filter_map(|(i, o)| Some((o.as_ref()?, i))).min();
                let p = match first.map(|(_, i)| i) {
                    Some(0) => entity.next().map(Pending::Structured),
                    Some(1) => complex.next().map(Pending::Structured),
                    Some(2) => enums.next().map(Pending::Enum),
                    Some(_) => definitions.next().map(Pending::Definition),
                    None => None,
                };
                let Some(p) = p else { break };
                let (name, offset) = match &p {
                    Pending::Structured(t) => (t.name.clone(), t.offset),
                    Pending::Enum(t) => (t.name.clone(), t.offset),
                    Pending::Definition(t) => (t.name.clone(), t.offset),
                };
                if let Some(first) = model.lookup_in(&ns, &name) {
                    let at = self.src.place(model.types[first.0 as usize].offset as usize, offset as usize);
                    self.error(
                        offset,
                        format!("{schema_path}/{name}"),
                        format!("duplicate type {ns}.{name}: first declared at {at}"),
                    );
                    continue;
                }
                let id = TypeId(model.types.len() as u32);
                model.by_name.entry(ns.clone()).or_default().insert(name.clone(), id);
                model.types.push(TypeDef {
                    namespace: ns.clone(),
                    name,
                    kind: TypeKind::Definition { underlying: Str::Borrowed(""), facets: Facets::default() },
                    annotations: Annotations::default(),
                    offset,
                });
                pending.push(p);
            }
            let schema_annotations = self.annotations(s.annotations);
            model.schemas.push(SchemaInfo { namespace: ns.clone(), alias: s.alias, annotations: schema_annotations });
            for t in s.terms {
                let annotations = self.annotations(t.annotations);
                model.terms.push(Term {
                    namespace: ns.clone(),
                    name: t.name,
                    ty: self.qualify_type_text(&t.ty),
                    base_term: t.base_term.map(|b| self.qualify(b)),
                    default_value: t.default_value,
                    applies_to: t.applies_to,
                    facets: t.facets,
                    annotations,
                });
            }
            operations.extend(s.operations.into_iter().map(|o| (ns.clone(), o)));
            containers.extend(s.containers.into_iter().map(|c| (ns.clone(), c)));
            blocks.extend(s.annotation_blocks);
        }

        // Pass 2: convert each type.
        for (i, p) in pending.into_iter().enumerate() {
            let id = TypeId(i as u32);
            let (ns, name) = {
                let t = model.ty(id);
                (t.namespace.clone(), t.name.clone())
            };
            self.enter(model.ty(id).offset);
            let (kind, annotations) = match p {
                Pending::Structured(t) => self.structured(&model, &ns, t),
                Pending::Enum(e) => self.enumeration(&ns, e),
                Pending::Definition(d) => self.definition(&ns, &name, d),
            };
            let t = &mut model.types[i];
            t.kind = kind;
            t.annotations = annotations;
        }
        self.check_bases(&mut model);
        self.check_navigation_targets(&mut model);
        self.check_members(&mut model);

        for (ns, o) in operations {
            self.enter(o.offset);
            if let Some(op) = self.operation(&model, &ns, o) {
                model.operations.push(op);
            }
        }
        // The derived-type and bound-operation indexes, once types and operations are final.
        model.rebuild_indexes();
        // Members by name: the generated crates must not depend on the order a producer wrote
        // them in (keys keep theirs in `key`; parameters keep theirs, they are positional).
        // Enum members by value (then name), as the canonical writer orders them; the members
        // after `unknownFutureValue` are those with greater values either way.
        for t in &mut model.types {
            match &mut t.kind {
                TypeKind::Structured(s) => {
                    s.properties.sort_by(|a, b| a.name.cmp(&b.name));
                    s.navigation.sort_by(|a, b| a.name.cmp(&b.name));
                }
                TypeKind::Enum(e) => e.members.sort_by(|a, b| (a.value, &a.name).cmp(&(b.value, &b.name))),
                TypeKind::Definition { .. } => {}
            }
        }
        model.container = self.containers(&model, containers);
        let mut ops_by_name: HashMap<Str<'s>, HashMap<Str<'s>, Vec<usize>>> = HashMap::default();
        for (i, o) in model.operations.iter().enumerate() {
            ops_by_name.entry(o.namespace.clone()).or_default().entry(o.name.clone()).or_default().push(i);
        }
        let idx =
            Index { ops_by_name, container: model.container.as_ref().map(|c| format!("{}.{}", c.namespace, c.name)) };
        for b in blocks {
            self.enter(b.offset);
            self.attach(&mut model, &idx, b);
        }
        model
    }

    fn qualify_type_text(&self, t: &ast::TypeRef<'s>) -> Str<'s> {
        let inner = self.qualify(t.name.clone());
        if t.collection {
            Str::Owned(format!("Collection({inner})"))
        } else {
            inner
        }
    }

    fn annotations(&mut self, list: Vec<ast::Annotation<'s>>) -> Annotations<'s> {
        if list.is_empty() {
            return Annotations::default();
        }
        Annotations(
            list.into_iter()
                .map(|a| Annotation { term: self.qualify(a.term), qualifier: a.qualifier, value: a.value })
                .collect(),
        )
    }

    /// Resolves a written type to a primitive or a model type.
    fn target(&mut self, model: &Model<'s>, name: &str, offset: u32, path: &dyn Fn() -> String) -> Option<Target> {
        if let Some(p) = name.strip_prefix("Edm.") {
            // The name from the table, so the model holds no string of its own for it.
            if let Some(known) = PRIMITIVES.iter().chain(ABSTRACT_STRUCTURED).find(|k| **k == p) {
                return Some(Target::Primitive(known));
            }
            self.error(offset, path(), format!("unknown primitive type {name}"));
            return None;
        }
        // Namespace (through its alias) then name: no string is built for a lookup.
        let found = name.rsplit_once('.').and_then(|(ns, local)| {
            let ns = self.aliases().and_then(|a| a.get(ns)).map_or(ns, |n| &**n);
            model.lookup_in(ns, local)
        });
        match found {
            Some(id) => Some(Target::Named(id)),
            None => {
                let ns = name
                    .rsplit_once('.')
                    .map(|(ns, _)| self.aliases().and_then(|a| a.get(ns)).map_or(ns, |n| &**n).to_string());
                if let Some(m) = ns.as_deref().and_then(|ns| self.missing_for(ns)) {
                    let resolved =
                        if m.resolved == m.uri { String::new() } else { format!(" (resolved to {})", m.resolved) };
                    let msg = format!(
                        "type {name} is in namespace {}, included from the referenced document {}{resolved}, which was not loaded: supply it with `--reference {}=FILE`",
                        ns.unwrap_or_default(),
                        m.uri,
                        m.uri
                    );
                    self.error(offset, path(), msg);
                    return None;
                }
                let hint =
                    if name.contains('.') { "" } else { " (type names must be qualified with a namespace or alias)" };
                self.error(offset, path(), format!("unresolved type {name}{hint}"));
                None
            }
        }
    }

    fn type_use(
        &mut self,
        model: &Model<'s>,
        t: &ast::TypeRef<'s>,
        offset: u32,
        path: &dyn Fn() -> String,
    ) -> Option<TypeUse> {
        if t.name.is_empty() {
            return None; // already reported by the reader
        }
        let target = self.target(model, &t.name, offset, path)?;
        Some(TypeUse { collection: t.collection, target })
    }

    fn structured(
        &mut self,
        model: &Model<'s>,
        ns: &str,
        t: ast::StructuredType<'s>,
    ) -> (TypeKind<'s>, Annotations<'s>) {
        let element = match t.kind {
            StructuredKind::Entity => "EntityType",
            StructuredKind::Complex => "ComplexType",
        };
        let type_name = t.name;
        let path = || format!("Schema[{ns}]/{element}[{type_name}]");
        let base = match t.base_type.as_deref() {
            None => None,
            // Kinds are checked in check_bases, once every type is converted.
            Some(b) => match self.target(model, b, t.offset, &path) {
                None => None,
                Some(Target::Named(id)) => Some(id),
                Some(Target::Primitive(_)) => {
                    self.error(t.offset, path(), format!("base type {b} is not a structured type"));
                    None
                }
            },
        };
        let mut properties: Vec<Property<'s>> = Vec::with_capacity(t.properties.len());
        let mut navigation: Vec<NavigationProperty<'s>> = Vec::with_capacity(t.navigation_properties.len());
        // Names taken so far; a type with many members checks a hash first, so the search
        // stays linear in the number of members.
        let mut hashes = NameHashes::new(t.properties.len() + t.navigation_properties.len());
        let taken =
            |name: &str, hashes: &NameHashes, properties: &[Property<'s>], navigation: &[NavigationProperty<'s>]| {
                hashes.may_contain(name)
                    && (properties.iter().any(|p| p.name == name) || navigation.iter().any(|n| n.name == name))
            };
        for p in t.properties {
            let name = p.name;
            let ppath = || format!("{}/Property[{name}]", path());
            if taken(&name, &hashes, &properties, &navigation) {
                self.error(p.offset, ppath(), format!("duplicate property {name} in {element} {type_name}"));
                continue;
            }
            let Some(ty) = self.type_use(model, &p.ty, p.offset, &ppath) else { continue };
            let annotations = self.annotations(p.annotations);
            hashes.insert(&name);
            properties.push(Property {
                name,
                ty,
                facets: p.facets,
                default_value: p.default_value,
                annotations,
                offset: p.offset,
            });
        }
        for n in t.navigation_properties {
            let name = n.name;
            let npath = || format!("{}/NavigationProperty[{name}]", path());
            if taken(&name, &hashes, &properties, &navigation) {
                self.error(n.offset, npath(), format!("duplicate property {name} in {element} {type_name}"));
                continue;
            }
            let Some(TypeUse { collection, target }) = self.type_use(model, &n.ty, n.offset, &npath) else { continue };
            if target == Target::Primitive("EntityType") {
                // Any entity: nothing to navigate by type, but the value is still data.
                self.warn(
                    n.offset,
                    npath(),
                    format!(
                        "navigation property {name} targets the abstract Edm.EntityType: read as a property holding any entity as untyped JSON, with no typed navigation"
                    ),
                );
                let annotations = self.annotations(n.annotations);
                hashes.insert(&name);
                properties.push(Property {
                    name,
                    ty: TypeUse { collection, target },
                    facets: Facets { nullable: n.nullable, ..Facets::default() },
                    default_value: None,
                    annotations,
                    offset: n.offset,
                });
                continue;
            }
            let Target::Named(target) = target else {
                self.error(
                    n.offset,
                    npath(),
                    format!("navigation property {name} must target an entity type, not {}", n.ty.name),
                );
                continue;
            };
            let annotations = self.annotations(n.annotations);
            hashes.insert(&name);
            navigation.push(NavigationProperty {
                name,
                target,
                collection,
                nullable: n.nullable,
                partner: n.partner,
                contains_target: n.contains_target,
                on_delete: n.on_delete,
                constraints: n
                    .referential_constraints
                    .into_iter()
                    .map(|c| Constraint { property: c.property, referenced_property: c.referenced_property })
                    .collect(),
                annotations,
                offset: n.offset,
            });
        }
        let key = t.key.map(|k| k.into_iter().map(|r| (r.name, r.alias)).collect());
        let annotations = self.annotations(t.annotations);
        let s = Structured {
            kind: t.kind,
            base,
            is_abstract: t.is_abstract,
            open_type: t.open_type,
            has_stream: t.has_stream,
            key,
            properties,
            navigation,
        };
        (TypeKind::Structured(s), annotations)
    }

    fn enumeration(&mut self, ns: &str, e: ast::EnumType<'s>) -> (TypeKind<'s>, Annotations<'s>) {
        let path = || format!("Schema[{ns}]/EnumType[{}]", e.name);
        let mut members: Vec<Member<'s>> = Vec::with_capacity(e.members.len());
        let mut hashes = NameHashes::new(e.members.len());
        let mut next = if e.is_flags { 1 } else { 0 };
        for m in e.members {
            if hashes.may_contain(&m.name) && members.iter().any(|x| x.name == m.name) {
                self.error(
                    m.offset,
                    format!("{}/Member[{}]", path(), m.name),
                    format!("duplicate member {} in enum {}", m.name, e.name),
                );
                continue;
            }
            let value = m.value.unwrap_or(next);
            next = value.saturating_add(1);
            let annotations = self.annotations(m.annotations);
            hashes.insert(&m.name);
            members.push(Member { name: m.name, value, explicit: m.value.is_some(), annotations, offset: m.offset });
        }
        let underlying = match e.underlying_type {
            Some(Str::Borrowed(u)) => Str::Borrowed(u.strip_prefix("Edm.").unwrap_or(u)),
            Some(Str::Owned(u)) => Str::Owned(u.strip_prefix("Edm.").unwrap_or(&u).to_string()),
            None => Str::Borrowed("Int32"),
        };
        let annotations = self.annotations(e.annotations);
        (TypeKind::Enum(Enum { underlying, is_flags: e.is_flags, members }), annotations)
    }

    fn definition(&mut self, ns: &str, name: &str, d: ast::TypeDefinition<'s>) -> (TypeKind<'s>, Annotations<'s>) {
        let path = || format!("Schema[{ns}]/TypeDefinition[{name}]");
        let underlying = match d.underlying_type.strip_prefix("Edm.") {
            Some(p) if PRIMITIVES.contains(&p) => {
                Str::Borrowed(PRIMITIVES.iter().copied().find(|k| *k == p).unwrap_or("String"))
            }
            _ => {
                if !d.underlying_type.is_empty() {
                    self.error(
                        d.offset,
                        path(),
                        format!(
                            "UnderlyingType {} of a TypeDefinition must be a primitive Edm type",
                            d.underlying_type
                        ),
                    );
                }
                Str::Borrowed("String")
            }
        };
        let annotations = self.annotations(d.annotations);
        (TypeKind::Definition { underlying, facets: d.facets }, annotations)
    }

    /// Base types must be structured types of the same kind, and chains must end.
    fn check_bases(&mut self, model: &mut Model<'s>) {
        for i in 0..model.types.len() {
            let t = &model.types[i];
            let Some(s) = t.structured() else { continue };
            let Some(b) = s.base else { continue };
            let kind = s.kind;
            let ok = matches!(&model.ty(b).kind, TypeKind::Structured(bs) if bs.kind == kind);
            if !ok {
                let (off, q, bq) = (t.offset, t.qualified(), model.ty(b).qualified());
                self.error(off, q.clone(), format!("base type {bq} of {q} is not a type of the same kind"));
                if let TypeKind::Structured(s) = &mut model.types[i].kind {
                    s.base = None;
                }
            }
        }
        // Cycle detection: walk each chain with a step limit equal to the number of types.
        let n = model.types.len();
        let mut in_cycle = vec![false; n];
        let mut chain = Vec::new();
        for i in 0..n {
            let mut cur = model.types[i].structured().and_then(|s| s.base);
            if cur.is_none() {
                continue;
            }
            chain.clear();
            chain.push(i);
            while let Some(b) = cur {
                let b = b.0 as usize;
                if let Some(pos) = chain.iter().position(|&c| c == b) {
                    if pos == 0 && !in_cycle[i] {
                        let names: Vec<String> =
                            chain.iter().chain(std::iter::once(&b)).map(|&c| model.types[c].qualified()).collect();
                        for &c in &chain {
                            in_cycle[c] = true;
                        }
                        let t = &model.types[i];
                        let (off, q) = (t.offset, t.qualified());
                        self.error(off, q, format!("base-type cycle: {}", names.join(" -> ")));
                    }
                    break;
                }
                if chain.len() > n {
                    break;
                }
                chain.push(b);
                cur = model.types[b].structured().and_then(|s| s.base);
            }
        }
        for (i, c) in in_cycle.into_iter().enumerate() {
            if c {
                if let TypeKind::Structured(s) = &mut model.types[i].kind {
                    s.base = None;
                }
            }
        }
    }

    /// Navigation properties must target entity types; one that does not is reported and
    /// dropped (kinds are known only once every type is converted, so this runs after pass 2).
    fn check_navigation_targets(&mut self, model: &mut Model<'s>) {
        let is_entity = |model: &Model<'s>, t: TypeId| matches!(&model.ty(t).kind, TypeKind::Structured(s) if s.kind == StructuredKind::Entity);
        // (type, navigation index), found first so the messages can name both types.
        let mut bad = Vec::new();
        for (i, t) in model.types.iter().enumerate() {
            let Some(s) = t.structured() else { continue };
            for (k, n) in s.navigation.iter().enumerate() {
                if !is_entity(model, n.target) {
                    bad.push((i, k));
                }
            }
        }
        for &(i, k) in &bad {
            let t = &model.types[i];
            let Some(n) = t.structured().map(|s| &s.navigation[k]) else { continue };
            let msg = format!(
                "navigation property {} must target an entity type, not {}",
                n.name,
                model.ty(n.target).qualified()
            );
            let (offset, path) = (n.offset, format!("{}/{}", t.qualified(), n.name));
            self.error(offset, path, msg);
        }
        // Removed last to first, so the indexes found stay valid.
        for &(i, k) in bad.iter().rev() {
            if let TypeKind::Structured(s) = &mut model.types[i].kind {
                s.navigation.remove(k);
            }
        }
    }

    /// A property may not redeclare one it inherits (one of the same type is only a warning
    /// and dropped: the inherited one stands); key properties must exist.
    fn check_members(&mut self, model: &mut Model<'s>) {
        let mut drop: Vec<(usize, Str<'s>)> = Vec::new();
        for (i, t) in model.types.iter().enumerate() {
            let Some(s) = t.structured() else { continue };
            let ancestors = model.ancestors(TypeId(i as u32));
            if ancestors.is_empty() {
                if let Some(key) = &s.key {
                    for (name, _) in key {
                        let first = name.split('/').next().unwrap_or(name);
                        if !s.properties.iter().any(|p| p.name == first) {
                            self.error(
                                t.offset,
                                t.qualified(),
                                format!("key property {name} is not a property of {}", t.qualified()),
                            );
                        }
                    }
                }
            }
            if ancestors.is_empty() {
                continue;
            }
            let own = s
                .properties
                .iter()
                .map(|p| (&p.name, p.offset))
                .chain(s.navigation.iter().map(|n| (&n.name, n.offset)));
            for (name, offset) in own {
                for &a in &ancestors {
                    let at = model.ty(a);
                    let Some(asx) = at.structured() else { continue };
                    let inherited = asx.properties.iter().find(|p| &p.name == name);
                    let same =
                        inherited.is_some_and(|ip| s.properties.iter().any(|p| &p.name == name && p.ty == ip.ty));
                    if same {
                        self.warn(
                            offset,
                            format!("{}/{name}", t.qualified()),
                            format!(
                                "property {name} of {} redeclares the property of the same type inherited from {}; the inherited one is used",
                                t.qualified(),
                                at.qualified()
                            ),
                        );
                        drop.push((i, name.clone()));
                        break;
                    }
                    if inherited.is_some() || asx.navigation.iter().any(|n| &n.name == name) {
                        self.error(
                            offset,
                            format!("{}/{name}", t.qualified()),
                            format!(
                                "property {name} of {} redeclares the property inherited from {}",
                                t.qualified(),
                                at.qualified()
                            ),
                        );
                    }
                }
            }
        }
        for (i, name) in drop {
            if let TypeKind::Structured(s) = &mut model.types[i].kind {
                s.properties.retain(|p| p.name != name);
            }
        }
    }

    fn operation(&mut self, model: &Model<'s>, ns: &Str<'s>, o: ast::Operation<'s>) -> Option<Operation<'s>> {
        let element = match o.kind {
            OperationKind::Action => "Action",
            OperationKind::Function => "Function",
        };
        let name = &o.name;
        let path = || format!("Schema[{ns}]/{element}[{name}]");
        let mut parameters = Vec::new();
        let mut ok = true;
        for p in o.parameters {
            let ppath = || format!("{}/Parameter[{}]", path(), p.name);
            if parameters.iter().any(|x: &Parameter<'s>| x.name == p.name) {
                self.error(p.offset, ppath(), format!("duplicate parameter {}", p.name));
                continue;
            }
            match self.type_use(model, &p.ty, p.offset, &ppath) {
                Some(ty) => {
                    let annotations = self.annotations(p.annotations);
                    parameters.push(Parameter { name: p.name, ty, facets: p.facets, annotations });
                }
                None => ok = false,
            }
        }
        let return_type = match o.return_type {
            Some(r) => match self.type_use(model, &r.ty, r.offset, &|| format!("{}/ReturnType", path())) {
                Some(ty) => Some(ReturnType { ty, facets: r.facets }),
                None => {
                    ok = false;
                    None
                }
            },
            None => None,
        };
        let annotations = self.annotations(o.annotations);
        ok.then(|| Operation {
            kind: o.kind,
            namespace: ns.clone(),
            name: o.name,
            is_bound: o.is_bound,
            is_composable: o.is_composable,
            entity_set_path: o.entity_set_path,
            parameters,
            return_type,
            annotations,
            offset: o.offset,
        })
    }

    fn entity_set(
        &mut self,
        model: &Model<'s>,
        path: &str,
        s: ast::EntitySet<'s>,
        element: &str,
    ) -> Option<EntitySet<'s>> {
        let spath = || format!("{path}/{element}[{}]", s.name);
        let ty = match self.target(model, &s.entity_type, s.offset, &spath)? {
            Target::Named(id) if matches!(&model.ty(id).kind, TypeKind::Structured(x) if x.kind == StructuredKind::Entity) => {
                id
            }
            _ => {
                self.error(
                    s.offset,
                    spath(),
                    format!("{element} {} must have an entity type, not {}", s.name, s.entity_type),
                );
                return None;
            }
        };
        let annotations = self.annotations(s.annotations);
        Some(EntitySet {
            name: s.name,
            ty,
            include_in_service_document: s.include_in_service_document,
            bindings: s.bindings.into_iter().map(|b| (b.path, b.target)).collect(),
            annotations,
        })
    }

    /// The service's entity container: the first one of the main document (or, when it has
    /// none, of the first document that has one), with the children of the containers it
    /// `Extends` added (its own win on a name). Other containers of referenced documents are
    /// not the service's; a second container in one document is an error.
    fn containers(
        &mut self,
        model: &Model<'s>,
        containers: Vec<(Str<'s>, ast::EntityContainer<'s>)>,
    ) -> Option<Container<'s>> {
        let mut read: Vec<(usize, Container<'s>, Option<Str<'s>>, u32)> = Vec::new();
        for (ns, c) in containers {
            self.enter(c.offset);
            let doc = self.scope;
            if read.iter().any(|(d, ..)| *d == doc) {
                self.error(
                    c.offset,
                    format!("Schema[{ns}]/EntityContainer[{}]", c.name),
                    "a service has one entity container; this second one is not read",
                );
                continue;
            }
            let extends = c.extends.clone().map(|e| self.qualify(e));
            let offset = c.offset;
            let container = self.container(model, &ns, c);
            read.push((doc, container, extends, offset));
        }
        if read.is_empty() {
            return None;
        }
        let mut service = read.remove(0);
        // Follow `Extends` through the containers read (a chain, each visited once).
        let mut next = service.2.clone();
        let mut visited = vec![format!("{}.{}", service.1.namespace, service.1.name)];
        while let Some(target) = next.take() {
            if visited.contains(&target.to_string()) {
                break;
            }
            let Some(i) = read.iter().position(|(_, c, ..)| format!("{}.{}", c.namespace, c.name) == *target) else {
                self.enter(service.3);
                let ns = target.rsplit_once('.').map_or("", |(ns, _)| ns);
                let msg = match self.missing_for(ns) {
                    Some(m) => format!(
                        "the container extends {target}, in namespace {ns} of the referenced document {}, which was not loaded: supply it with `--reference {}=FILE`",
                        m.uri, m.uri
                    ),
                    None => format!("the container extends {target}, which is in none of the documents read"),
                };
                self.error(service.3, format!("EntityContainer[{}]", service.1.name), msg);
                break;
            };
            let (_, base, base_extends, _) = read.remove(i);
            visited.push(target.to_string());
            let own = &mut service.1;
            let taken = |name: &str, own: &Container<'s>| {
                own.entity_sets.iter().chain(&own.singletons).any(|s| s.name == name)
                    || own.imports.iter().any(|i| i.name == name)
            };
            for s in base.entity_sets {
                if !taken(&s.name, own) {
                    own.entity_sets.push(s);
                }
            }
            for s in base.singletons {
                if !taken(&s.name, own) {
                    own.singletons.push(s);
                }
            }
            for i in base.imports {
                if !taken(&i.name, own) {
                    own.imports.push(i);
                }
            }
            next = base_extends;
        }
        Some(service.1)
    }

    fn container(&mut self, model: &Model<'s>, ns: &Str<'s>, c: ast::EntityContainer<'s>) -> Container<'s> {
        let path = format!("Schema[{ns}]/EntityContainer[{}]", c.name);
        let mut out = Container { namespace: ns.clone(), name: c.name, ..Default::default() };
        let mut names: HashMap<Str<'s>, ()> = HashMap::default();
        for s in c.entity_sets {
            if names.insert(s.name.clone(), ()).is_some() {
                self.error(s.offset, &path, format!("duplicate container child {}", s.name));
                continue;
            }
            if let Some(es) = self.entity_set(model, &path, s, "EntitySet") {
                out.entity_sets.push(es);
            }
        }
        for s in c.singletons {
            if names.insert(s.name.clone(), ()).is_some() {
                self.error(s.offset, &path, format!("duplicate container child {}", s.name));
                continue;
            }
            if let Some(es) = self.entity_set(model, &path, s, "Singleton") {
                out.singletons.push(es);
            }
        }
        for i in c.operation_imports {
            if names.insert(i.name.clone(), ()).is_some() {
                self.error(i.offset, &path, format!("duplicate container child {}", i.name));
                continue;
            }
            let operation = self.qualify(i.operation.clone());
            let named = |o: &Operation<'_>| operation.rsplit_once('.') == Some((&*o.namespace, &*o.name));
            if !model.operations.iter().any(|o| named(o) && o.kind == i.kind && !o.is_bound) {
                if model.operations.iter().any(|o| named(o) && o.kind == i.kind) {
                    // The meaning is clear (the operation exists), but an import of a bound
                    // operation cannot be called at the service root.
                    self.warn(
                        i.offset,
                        format!("{path}/{}", i.name),
                        format!(
                            "import {} names {}, which is bound: imports name unbound operations; the import is left out (the operation stays reachable through its binding)",
                            i.name, i.operation
                        ),
                    );
                } else {
                    self.error(
                        i.offset,
                        format!("{path}/{}", i.name),
                        format!("import {} names no unbound operation {}", i.name, i.operation),
                    );
                }
                continue;
            }
            let annotations = self.annotations(i.annotations);
            out.imports.push(OperationImport {
                kind: i.kind,
                name: i.name,
                operation,
                entity_set: i.entity_set,
                include_in_service_document: i.include_in_service_document,
                annotations,
            });
        }
        out.annotations = self.annotations(c.annotations);
        out
    }

    /// Attaches an external `Annotations` block to its target.
    fn attach(&mut self, model: &mut Model<'s>, idx: &Index, b: ast::Annotations<'s>) {
        let mut anns = self.annotations(b.annotations);
        if let Some(q) = &b.qualifier {
            for a in &mut anns.0 {
                if a.qualifier.is_none() {
                    a.qualifier = Some(q.clone());
                }
            }
        }
        let target = b.target.trim();
        let (head, member) = match target.split_once('/') {
            Some((h, m)) => (h, Some(m)),
            None => (target, None),
        };
        // Operation overloads are written `ns.op(ns.type,...)`.
        let (head, overload) = match head.split_once('(') {
            Some((h, rest)) => (h, Some(rest.strip_suffix(')').unwrap_or(rest))),
            None => (head, None),
        };
        let q = self.qualified(head);
        let slot: Option<&mut Annotations> = if let Some(id) = model.lookup(&q) {
            let t = &mut model.types[id.0 as usize];
            match (member, &mut t.kind) {
                (None, _) => Some(&mut t.annotations),
                (Some(m), TypeKind::Structured(s)) => {
                    // Blocks for the members of one type usually follow the members' order:
                    // the search starts after the member found last.
                    let start = match self.cursor {
                        (t, next) if t == id => next,
                        _ => 0,
                    };
                    if let Some(i) = find_from(&s.properties, start, |p| p.name == m) {
                        self.cursor = (id, i + 1);
                        Some(&mut s.properties[i].annotations)
                    } else {
                        s.navigation.iter_mut().find(|n| n.name == m).map(|n| &mut n.annotations)
                    }
                }
                (Some(m), TypeKind::Enum(e)) => e.members.iter_mut().find(|x| x.name == m).map(|x| &mut x.annotations),
                (Some(_), TypeKind::Definition { .. }) => None,
            }
        } else if idx.container.as_deref() == Some(&*q) && member.is_some_and(|m| m.contains('/')) {
            // A path target (`Container/set/nav/...`): the annotations go to the navigation
            // property the path ends in, first, so they win over the property's own.
            match navigation_at_path(model, member.unwrap_or_default()) {
                Some((t, n)) => {
                    let slot = model.types[t.0 as usize]
                        .structured_mut()
                        .and_then(|s| s.navigation.get_mut(n))
                        .map(|n| &mut n.annotations);
                    if let Some(slot) = slot {
                        let own = std::mem::take(&mut slot.0);
                        slot.0 = anns.0;
                        slot.0.extend(own);
                        return;
                    }
                    None
                }
                None => None,
            }
        } else if idx.container.as_deref() == Some(&*q) {
            let c = model.container.as_mut().expect("checked above");
            match member {
                None => Some(&mut c.annotations),
                Some(m) => {
                    if let Some(s) = c.entity_sets.iter_mut().chain(c.singletons.iter_mut()).find(|s| s.name == m) {
                        Some(&mut s.annotations)
                    } else {
                        c.imports.iter_mut().find(|i| i.name == m).map(|i| &mut i.annotations)
                    }
                }
            }
        } else if let Some(op_ids) = q.rsplit_once('.').and_then(|(ns, name)| idx.ops_by_name.get(ns)?.get(name)) {
            // All overloads, or the one whose parameter types match.
            let wanted: Option<Vec<String>> = overload.map(|o| {
                o.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| self.qualify_written(s)).collect()
            });
            let mut hit = false;
            let types = &model.types;
            for &i in op_ids {
                let op = &mut model.operations[i];
                if let Some(w) = &wanted {
                    let have: Vec<String> = op
                        .parameters
                        .iter()
                        .take(if op.kind == OperationKind::Action {
                            1.min(op.parameters.len())
                        } else {
                            op.parameters.len()
                        })
                        .map(|p| p.ty.csdl(|t| types[t.0 as usize].qualified()))
                        .collect();
                    if op.kind == OperationKind::Function && &have != w
                        || op.kind == OperationKind::Action && have.first() != w.first()
                    {
                        continue;
                    }
                }
                let slot = match member {
                    None => Some(&mut op.annotations),
                    Some(m) => op.parameters.iter_mut().find(|p| p.name == m).map(|p| &mut p.annotations),
                };
                if let Some(slot) = slot {
                    slot.0.extend(anns.0.iter().cloned());
                    hit = true;
                }
            }
            if hit {
                return;
            }
            None
        } else if model.terms.iter().any(|t| format!("{}.{}", t.namespace, t.name) == q) && member.is_none() {
            let t = model.terms.iter_mut().find(|t| format!("{}.{}", t.namespace, t.name) == q).expect("checked above");
            Some(&mut t.annotations)
        } else if let Some(s) = model.schemas.iter_mut().find(|s| s.namespace == q) {
            Some(&mut s.annotations)
        } else {
            None
        };
        match slot {
            Some(slot) if slot.0.is_empty() => *slot = anns,
            Some(slot) => slot.0.extend(anns.0),
            None => self.warn(
                b.offset,
                format!("Annotations[{}]", b.target),
                format!("annotation target {} not found; its annotations are ignored", b.target),
            ),
        }
    }

    fn qualify_written(&self, t: &str) -> String {
        match t.strip_prefix("Collection(").and_then(|r| r.strip_suffix(')')) {
            Some(inner) => format!("Collection({})", self.qualified(inner)),
            None => self.qualified(t).into_owned(),
        }
    }
}

/// The index of the first item matching `f`, searching from `start` to the end, then from the
/// beginning.
fn find_from<T>(items: &[T], start: usize, f: impl Fn(&T) -> bool) -> Option<usize> {
    let start = start.min(items.len());
    let (before, after) = items.split_at(start);
    after.iter().position(&f).map(|i| i + start).or_else(|| before.iter().position(&f))
}

/// The navigation property a container path (`set/nav/nav...`, a type cast segment skipped)
/// ends in: the type declaring it and its index there.
fn navigation_at_path(model: &Model<'_>, path: &str) -> Option<(TypeId, usize)> {
    let mut segments = path.split('/').map(str::trim).filter(|s| !s.is_empty());
    let first = segments.next()?;
    let c = model.container.as_ref()?;
    let mut ty = c.entity_sets.iter().chain(&c.singletons).find(|s| s.name == first)?.ty;
    let mut found = None;
    for seg in segments {
        if seg.contains('.') {
            // A type cast: the path goes on in the derived type.
            ty = model.lookup(seg)?;
            continue;
        }
        let owner = std::iter::once(ty)
            .chain(model.ancestors(ty))
            .find(|&t| model.ty(t).structured().is_some_and(|s| s.navigation.iter().any(|n| n.name == seg)))?;
        let index = model.ty(owner).structured()?.navigation.iter().position(|n| n.name == seg)?;
        ty = model.ty(owner).structured()?.navigation.get(index)?.target;
        found = Some((owner, index));
    }
    found
}

//! The semantic model: qualified names resolved to ids in one arena, base-type chains,
//! derived-type index, navigation graph, bound operations by binding type, annotations
//! attached to their targets. Built by [`resolve`], narrowed by [`prune`], written back as
//! canonical CSDL by [`write`](mod@write), compared by [`diff`](mod@diff).
//!
//! The model borrows its strings from the document it was read from (`Model<'s>` lives as long
//! as the bytes given to [`crate::load`]); a string is owned only where the reader unescaped it
//! or the resolver built it (an alias expanded to its namespace).

pub mod diff;
pub mod prune;
mod resolve;
pub mod write;

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

pub use crate::csdl::ast::{Expr, Facets, OnDeleteAction, OperationKind, Record, Str, StructuredKind};
pub use resolve::{resolve, MissingReference};

/// Index of a type in [`Model::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub u32);

/// Index of an operation in [`Model::operations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpId(pub u32);

/// Well-known vocabulary terms, fully qualified.
pub mod terms {
    /// `Core.Description`.
    pub const DESCRIPTION: &str = "Org.OData.Core.V1.Description";
    /// `Core.LongDescription`.
    pub const LONG_DESCRIPTION: &str = "Org.OData.Core.V1.LongDescription";
    /// `Core.Revisions`.
    pub const REVISIONS: &str = "Org.OData.Core.V1.Revisions";
    /// `Core.Computed`.
    pub const COMPUTED: &str = "Org.OData.Core.V1.Computed";
    /// `Core.Permissions`.
    pub const PERMISSIONS: &str = "Org.OData.Core.V1.Permissions";
    /// Namespace of the Capabilities vocabulary (`*Restrictions` terms).
    pub const CAPABILITIES: &str = "Org.OData.Capabilities.V1";
}

/// One annotation applied to a model element, term name fully qualified.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation<'s> {
    /// Qualified term (aliases resolved).
    pub term: Str<'s>,
    /// `Qualifier`.
    pub qualifier: Option<Str<'s>>,
    /// Value; `None` is the term's default.
    pub value: Option<Expr<'s>>,
}

/// The annotations of one element, inline and external alike, in the order found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotations<'s>(pub Vec<Annotation<'s>>);

impl<'s> Annotations<'s> {
    /// The first unqualified annotation of `term`.
    pub fn get(&self, term: &str) -> Option<&Annotation<'s>> {
        self.0.iter().find(|a| a.term == term && a.qualifier.is_none())
    }

    /// The string value of `term`, if it is a string.
    pub fn string(&self, term: &str) -> Option<&str> {
        match self.get(term)?.value.as_ref()? {
            Expr::String(s) => Some(s),
            _ => None,
        }
    }

    /// `Core.Description`.
    pub fn description(&self) -> Option<&str> {
        self.string(terms::DESCRIPTION)
    }

    /// `Core.LongDescription`.
    pub fn long_description(&self) -> Option<&str> {
        self.string(terms::LONG_DESCRIPTION)
    }

    /// True when `Core.Computed` is set (and not false).
    pub fn computed(&self) -> bool {
        self.get(terms::COMPUTED).is_some_and(|a| !matches!(a.value, Some(Expr::Bool(false))))
    }

    /// `Core.Permissions` scopes, as written.
    pub fn permissions(&self) -> Vec<&str> {
        let Some(a) = self.get(terms::PERMISSIONS) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        collect_strings(a.value.as_ref(), &mut out);
        out
    }

    /// The deprecation in `Core.Revisions`, if any: (date or version, description).
    pub fn deprecation(&self) -> Option<Deprecation> {
        let a = self.get(terms::REVISIONS)?;
        let Some(Expr::Collection(items)) = &a.value else {
            return None;
        };
        items.iter().find_map(|item| {
            let Expr::Record(r) = item else { return None };
            let field = |name: &str| r.properties.iter().find(|p| p.property == name).map(|p| &p.value);
            let kind = match field("Kind") {
                Some(Expr::EnumMember(m)) => &**m,
                _ => return None,
            };
            if !kind.ends_with("/Deprecated") && !kind.ends_with("Deprecated") {
                return None;
            }
            let text = |e: Option<&Expr>| match e {
                Some(Expr::String(s)) => Some(s.to_string()),
                Some(Expr::Constant(_, s)) => Some(s.to_string()),
                _ => None,
            };
            Some(Deprecation {
                version: text(field("Version")),
                date: text(field("Date")),
                removal_date: text(field("RemovalDate")),
                description: text(field("Description")),
            })
        })
    }

    /// Annotations of the Capabilities vocabulary (`Org.OData.Capabilities.V1.*`).
    pub fn capabilities(&self) -> impl Iterator<Item = &Annotation<'s>> {
        self.0.iter().filter(|a| a.term.strip_prefix(terms::CAPABILITIES).is_some_and(|rest| rest.starts_with('.')))
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn collect_strings<'a>(e: Option<&'a Expr>, out: &mut Vec<&'a str>) {
    match e {
        Some(Expr::String(s)) => out.push(s),
        Some(Expr::Collection(items)) => items.iter().for_each(|i| collect_strings(Some(i), out)),
        Some(Expr::Record(r)) => r.properties.iter().for_each(|p| collect_strings(Some(&p.value), out)),
        _ => {}
    }
}

/// A `Core.Revisions` entry of kind `Deprecated`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecation {
    /// `Version`.
    pub version: Option<String>,
    /// `Date`.
    pub date: Option<String>,
    /// `RemovalDate`.
    pub removal_date: Option<String>,
    /// `Description`.
    pub description: Option<String>,
}

/// Primitive or named type of a property, parameter or return value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// An `Edm.*` type, by its name after `Edm.` (`String`, `Duration`, `PrimitiveType`, ...).
    Primitive(&'static str),
    /// A type of the model.
    Named(TypeId),
}

/// A use of a type: single or collection.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeUse {
    /// `Collection(...)`.
    pub collection: bool,
    /// What it names.
    pub target: Target,
}

impl TypeUse {
    /// The type as CSDL writes it (`Edm.String`, `Collection(ns.type)`), with `name` giving the
    /// qualified name of a model type.
    pub fn csdl<S: std::fmt::Display>(&self, name: impl Fn(TypeId) -> S) -> String {
        let inner = match &self.target {
            Target::Primitive(p) => format!("Edm.{p}"),
            Target::Named(t) => name(*t).to_string(),
        };
        if self.collection {
            format!("Collection({inner})")
        } else {
            inner
        }
    }
}

/// One structural property.
#[derive(Debug, Clone, PartialEq)]
pub struct Property<'s> {
    /// Wire name.
    pub name: Str<'s>,
    /// Type.
    pub ty: TypeUse,
    /// Facets as written (`nullable` `None` means nullable).
    pub facets: Facets,
    /// `DefaultValue`.
    pub default_value: Option<Str<'s>>,
    /// Annotations.
    pub annotations: Annotations<'s>,
    /// Source offset.
    pub offset: u32,
}

impl<'s> Property<'s> {
    /// Nullable unless `Nullable="false"`.
    pub fn nullable(&self) -> bool {
        self.facets.nullable != Some(false)
    }
}

/// A referential constraint of a navigation property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint<'s> {
    /// `Property`.
    pub property: Str<'s>,
    /// `ReferencedProperty`.
    pub referenced_property: Str<'s>,
}

/// One navigation property: an edge of the navigation graph.
#[derive(Debug, Clone, PartialEq)]
pub struct NavigationProperty<'s> {
    /// Wire name.
    pub name: Str<'s>,
    /// Target entity type.
    pub target: TypeId,
    /// Collection-valued.
    pub collection: bool,
    /// `Nullable` as written.
    pub nullable: Option<bool>,
    /// `Partner`.
    pub partner: Option<Str<'s>>,
    /// `ContainsTarget`.
    pub contains_target: bool,
    /// `OnDelete`.
    pub on_delete: Option<OnDeleteAction>,
    /// `ReferentialConstraint`s.
    pub constraints: Vec<Constraint<'s>>,
    /// Annotations.
    pub annotations: Annotations<'s>,
    /// Source offset.
    pub offset: u32,
}

/// Entity or complex type.
#[derive(Debug, Clone, PartialEq)]
pub struct Structured<'s> {
    /// Which.
    pub kind: StructuredKind,
    /// Base type.
    pub base: Option<TypeId>,
    /// `Abstract`.
    pub is_abstract: bool,
    /// `OpenType`.
    pub open_type: bool,
    /// `HasStream`.
    pub has_stream: bool,
    /// Declared key (property paths, alias); inherited keys are found through `base`.
    pub key: Option<Vec<(Str<'s>, Option<Str<'s>>)>>,
    /// Declared structural properties, in document order.
    pub properties: Vec<Property<'s>>,
    /// Declared navigation properties, in document order.
    pub navigation: Vec<NavigationProperty<'s>>,
}

/// One enum member.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'s> {
    /// Wire name.
    pub name: Str<'s>,
    /// Value (implicit values filled in).
    pub value: i64,
    /// Whether the value was written in the document.
    pub explicit: bool,
    /// Annotations.
    pub annotations: Annotations<'s>,
    /// Source offset.
    pub offset: u32,
}

/// An enum type.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum<'s> {
    /// Underlying integer type name (`Int32` when absent).
    pub underlying: Str<'s>,
    /// `IsFlags`.
    pub is_flags: bool,
    /// Members ordered by value, then name (document order does not matter).
    pub members: Vec<Member<'s>>,
}

impl<'s> Enum<'s> {
    /// Index of `unknownFutureValue`, the sentinel of evolvable enums.
    pub fn unknown_future_value(&self) -> Option<usize> {
        self.members.iter().position(|m| m.name == "unknownFutureValue")
    }
}

/// What a named type is.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind<'s> {
    /// Entity or complex type.
    Structured(Structured<'s>),
    /// Enum type.
    Enum(Enum<'s>),
    /// Type definition over a primitive.
    Definition {
        /// The `Edm.*` underlying type name (after `Edm.`).
        underlying: Str<'s>,
        /// Facets.
        facets: Facets,
    },
}

/// A named type of a schema.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef<'s> {
    /// Namespace.
    pub namespace: Str<'s>,
    /// Name within the namespace.
    pub name: Str<'s>,
    /// What it is.
    pub kind: TypeKind<'s>,
    /// Annotations.
    pub annotations: Annotations<'s>,
    /// Source offset.
    pub offset: u32,
}

impl<'s> TypeDef<'s> {
    /// `namespace.name`.
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.namespace, self.name)
    }

    /// Compares the qualified names of two types (as [`TypeDef::qualified`] strings would
    /// compare) without building them.
    pub fn cmp_qualified(&self, other: &TypeDef<'_>) -> std::cmp::Ordering {
        if self.namespace == other.namespace {
            return self.name.cmp(&other.name);
        }
        let mine = self.namespace.bytes().chain([b'.']).chain(self.name.bytes());
        let theirs = other.namespace.bytes().chain([b'.']).chain(other.name.bytes());
        mine.cmp(theirs)
    }

    /// The structured part, if it is an entity or complex type.
    pub fn structured(&self) -> Option<&Structured<'s>> {
        match &self.kind {
            TypeKind::Structured(s) => Some(s),
            _ => None,
        }
    }

    /// The structured part, mutably.
    pub fn structured_mut(&mut self) -> Option<&mut Structured<'s>> {
        match &mut self.kind {
            TypeKind::Structured(s) => Some(s),
            _ => None,
        }
    }
}

/// A parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter<'s> {
    /// Name.
    pub name: Str<'s>,
    /// Type.
    pub ty: TypeUse,
    /// Facets.
    pub facets: Facets,
    /// Annotations.
    pub annotations: Annotations<'s>,
}

/// The return type of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnType {
    /// Type.
    pub ty: TypeUse,
    /// Facets.
    pub facets: Facets,
}

/// An action or function (one overload).
#[derive(Debug, Clone, PartialEq)]
pub struct Operation<'s> {
    /// Action or function.
    pub kind: OperationKind,
    /// Namespace.
    pub namespace: Str<'s>,
    /// Name.
    pub name: Str<'s>,
    /// `IsBound`.
    pub is_bound: bool,
    /// `IsComposable`.
    pub is_composable: bool,
    /// `EntitySetPath`.
    pub entity_set_path: Option<Str<'s>>,
    /// Parameters; for a bound operation the first binds it.
    pub parameters: Vec<Parameter<'s>>,
    /// Return type.
    pub return_type: Option<ReturnType>,
    /// Annotations.
    pub annotations: Annotations<'s>,
    /// Source offset.
    pub offset: u32,
}

impl<'s> Operation<'s> {
    /// `namespace.name`.
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.namespace, self.name)
    }

    /// The binding parameter's type, for bound operations.
    pub fn binding(&self) -> Option<&TypeUse> {
        if self.is_bound {
            self.parameters.first().map(|p| &p.ty)
        } else {
            None
        }
    }
}

/// A term of a schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Term<'s> {
    /// Namespace.
    pub namespace: Str<'s>,
    /// Name.
    pub name: Str<'s>,
    /// Type as written, aliases resolved.
    pub ty: Str<'s>,
    /// `BaseTerm`.
    pub base_term: Option<Str<'s>>,
    /// `DefaultValue`.
    pub default_value: Option<Str<'s>>,
    /// `AppliesTo`.
    pub applies_to: Option<Str<'s>>,
    /// Facets.
    pub facets: Facets,
    /// Annotations.
    pub annotations: Annotations<'s>,
}

/// An entity set or singleton.
#[derive(Debug, Clone, PartialEq)]
pub struct EntitySet<'s> {
    /// Name.
    pub name: Str<'s>,
    /// Entity type.
    pub ty: TypeId,
    /// `IncludeInServiceDocument`.
    pub include_in_service_document: Option<bool>,
    /// Navigation property bindings (path, target).
    pub bindings: Vec<(Str<'s>, Str<'s>)>,
    /// Annotations.
    pub annotations: Annotations<'s>,
}

/// An action or function import.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationImport<'s> {
    /// Action or function.
    pub kind: OperationKind,
    /// Name.
    pub name: Str<'s>,
    /// Qualified name of the imported operation.
    pub operation: Str<'s>,
    /// `EntitySet`.
    pub entity_set: Option<Str<'s>>,
    /// `IncludeInServiceDocument`.
    pub include_in_service_document: Option<bool>,
    /// Annotations.
    pub annotations: Annotations<'s>,
}

/// The entity container.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Container<'s> {
    /// Namespace of the schema that holds it.
    pub namespace: Str<'s>,
    /// Name.
    pub name: Str<'s>,
    /// Entity sets in document order.
    pub entity_sets: Vec<EntitySet<'s>>,
    /// Singletons in document order.
    pub singletons: Vec<EntitySet<'s>>,
    /// Imports in document order.
    pub imports: Vec<OperationImport<'s>>,
    /// Annotations.
    pub annotations: Annotations<'s>,
}

/// A schema's namespace and alias.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaInfo<'s> {
    /// Namespace.
    pub namespace: Str<'s>,
    /// Alias.
    pub alias: Option<Str<'s>>,
    /// Annotations on the schema itself.
    pub annotations: Annotations<'s>,
}

/// A referenced document (`edmx:Reference`), kept so a written document stays valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference<'s> {
    /// `Uri`.
    pub uri: Str<'s>,
    /// Included namespaces with their aliases.
    pub includes: Vec<(Str<'s>, Option<Str<'s>>)>,
}

/// The resolved model of one CSDL document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Model<'s> {
    /// `Version` of the document.
    pub version: Str<'s>,
    /// References to other documents.
    pub references: Vec<Reference<'s>>,
    /// Schemas in document order.
    pub schemas: Vec<SchemaInfo<'s>>,
    /// Every named type; [`TypeId`] indexes this.
    pub types: Vec<TypeDef<'s>>,
    /// Every action and function overload; [`OpId`] indexes this.
    pub operations: Vec<Operation<'s>>,
    /// Terms.
    pub terms: Vec<Term<'s>>,
    /// The entity container, if any.
    pub container: Option<Container<'s>>,
    /// Namespace, then type name, to type (see [`Model::lookup`] for qualified names).
    pub by_name: FxHashMap<Str<'s>, FxHashMap<Str<'s>, TypeId>>,
    /// Direct derived types of each type (indexed by [`TypeId`]), sorted by qualified name.
    pub derived: Vec<Vec<TypeId>>,
    /// Bound operations by binding type, in document order.
    pub bound: BTreeMap<TypeId, Vec<OpId>>,
}

impl<'s> Model<'s> {
    /// Recomputes [`Model::derived`] and [`Model::bound`] from the types and operations.
    pub fn rebuild_indexes(&mut self) {
        self.derived = vec![Vec::new(); self.types.len()];
        for (i, t) in self.types.iter().enumerate() {
            if let Some(b) = t.structured().and_then(|s| s.base) {
                self.derived[b.0 as usize].push(TypeId(i as u32));
            }
        }
        let types = &self.types;
        for d in &mut self.derived {
            d.sort_by(|a, b| types[a.0 as usize].cmp_qualified(&types[b.0 as usize]));
        }
        self.bound.clear();
        for (i, o) in self.operations.iter().enumerate() {
            if let Some(TypeUse { target: Target::Named(t), .. }) = o.binding() {
                self.bound.entry(*t).or_default().push(OpId(i as u32));
            }
        }
    }

    /// The type behind an id.
    pub fn ty(&self, id: TypeId) -> &TypeDef<'s> {
        &self.types[id.0 as usize]
    }

    /// Looks a type up by qualified name (no aliases).
    pub fn lookup(&self, qualified: &str) -> Option<TypeId> {
        let (namespace, name) = qualified.rsplit_once('.')?;
        self.lookup_in(namespace, name)
    }

    /// Looks a type up by namespace and name.
    pub fn lookup_in(&self, namespace: &str, name: &str) -> Option<TypeId> {
        self.by_name.get(namespace)?.get(name).copied()
    }

    /// The base-type chain of a type, nearest first, without the type itself.
    pub fn ancestors(&self, id: TypeId) -> Vec<TypeId> {
        let mut out = Vec::new();
        let mut cur = self.ty(id).structured().and_then(|s| s.base);
        while let Some(b) = cur {
            if out.contains(&b) || b == id {
                break; // cycles are reported by resolve; never loop here
            }
            out.push(b);
            cur = self.ty(b).structured().and_then(|s| s.base);
        }
        out
    }

    /// All derived types, transitively, sorted by qualified name.
    pub fn all_derived(&self, id: TypeId) -> Vec<TypeId> {
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(t) = stack.pop() {
            for &d in &self.derived[t.0 as usize] {
                if !out.contains(&d) && d != id {
                    out.push(d);
                    stack.push(d);
                }
            }
        }
        out.sort_by_key(|&d| self.ty(d).qualified());
        out
    }

    /// Every structural property of a type, inherited ones first (base before derived).
    pub fn all_properties(&self, id: TypeId) -> Vec<(TypeId, &Property<'s>)> {
        let mut chain = self.ancestors(id);
        chain.reverse();
        chain.push(id);
        chain
            .into_iter()
            .filter_map(|t| self.ty(t).structured().map(|s| (t, s)))
            .flat_map(|(t, s)| s.properties.iter().map(move |p| (t, p)))
            .collect()
    }

    /// Every navigation property of a type, inherited ones first.
    pub fn all_navigation(&self, id: TypeId) -> Vec<(TypeId, &NavigationProperty<'s>)> {
        let mut chain = self.ancestors(id);
        chain.reverse();
        chain.push(id);
        chain
            .into_iter()
            .filter_map(|t| self.ty(t).structured().map(|s| (t, s)))
            .flat_map(|(t, s)| s.navigation.iter().map(move |p| (t, p)))
            .collect()
    }

    /// The key property names of an entity type (its own or inherited).
    pub fn key(&self, id: TypeId) -> Option<Vec<String>> {
        std::iter::once(id)
            .chain(self.ancestors(id))
            .find_map(|t| self.ty(t).structured()?.key.as_ref().map(|k| k.iter().map(|(n, _)| n.to_string()).collect()))
    }

    /// Bound operations whose binding parameter has this type (exactly, not via a base).
    pub fn bound_to(&self, id: TypeId) -> impl Iterator<Item = &Operation<'s>> {
        self.bound.get(&id).into_iter().flatten().map(|o| &self.operations[o.0 as usize])
    }

    /// Counts per namespace, for `metadata inspect`.
    pub fn counts(&self) -> BTreeMap<String, NamespaceCounts> {
        let mut out: BTreeMap<String, NamespaceCounts> = BTreeMap::new();
        for s in &self.schemas {
            out.entry(s.namespace.to_string()).or_default();
        }
        for t in &self.types {
            let c = out.entry(t.namespace.to_string()).or_default();
            match &t.kind {
                TypeKind::Structured(s) if s.kind == StructuredKind::Entity => c.entity_types += 1,
                TypeKind::Structured(_) => c.complex_types += 1,
                TypeKind::Enum(_) => c.enum_types += 1,
                TypeKind::Definition { .. } => c.type_definitions += 1,
            }
        }
        for o in &self.operations {
            let c = out.entry(o.namespace.to_string()).or_default();
            match o.kind {
                OperationKind::Action => c.actions += 1,
                OperationKind::Function => c.functions += 1,
            }
        }
        for t in &self.terms {
            out.entry(t.namespace.to_string()).or_default().terms += 1;
        }
        out
    }
}

/// What a namespace holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NamespaceCounts {
    /// Entity types.
    pub entity_types: usize,
    /// Complex types.
    pub complex_types: usize,
    /// Enum types.
    pub enum_types: usize,
    /// Type definitions.
    pub type_definitions: usize,
    /// Functions (each overload counts).
    pub functions: usize,
    /// Actions (each overload counts).
    pub actions: usize,
    /// Terms.
    pub terms: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(namespace: &'static str, name: &'static str) -> TypeDef<'static> {
        TypeDef {
            namespace: Str::Borrowed(namespace),
            name: Str::Borrowed(name),
            kind: TypeKind::Definition { underlying: Str::Borrowed("String"), facets: Facets::default() },
            annotations: Annotations::default(),
            offset: 0,
        }
    }

    #[test]
    fn qualified_names_compare_as_the_strings_would() {
        // Namespaces that are prefixes of one another are where a (namespace, name) order and
        // the qualified string order part ways.
        let types = [
            ty("a", "bx"),
            ty("a.b", "x"),
            ty("a", "b"),
            ty("a.b", "a"),
            ty("microsoft.graph", "entity"),
            ty("microsoft.graph.callRecords", "session"),
            ty("microsoft.graph", "callRecord"),
            ty("a", "B"),
        ];
        for x in &types {
            for y in &types {
                assert_eq!(
                    x.cmp_qualified(y),
                    x.qualified().cmp(&y.qualified()),
                    "{} vs {}",
                    x.qualified(),
                    y.qualified()
                );
            }
        }
    }
}

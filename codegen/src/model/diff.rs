//! Semantic schema diff: what changed between two resolved models, classified for a Rust user
//! of the generated crates, and the version bump that needs. Pure; compares by name, never by
//! position, so reordering a document changes nothing.
//!
//! Changes are judged by the generated Rust API, not by the XML: a generated struct has a field
//! for every property it declares or inherits, so properties are compared flattened over the
//! base-type chain. A property that moves into a new base type, or from a base type into its
//! derived types, is no change for the types whose flattened fields stay; a base type change
//! breaks only when the type leaves a hierarchy (a property typed with an old ancestor no longer
//! accepts it); a type gaining its first derived type stays breaking (properties typed with it
//! become its `Any*` enum).

use std::collections::{BTreeMap, BTreeSet};

use crate::model::prune::prune;
use crate::model::{
    Enum, Model, Operation, OperationKind, Structured, StructuredKind, Target, TypeDef, TypeKind, TypeUse,
};

/// How a change affects a Rust user of the generated crates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Code that compiled against the old crate may not compile against the new one.
    Breaking,
    /// New API only (structs and enums are `#[non_exhaustive]`, every property is optional).
    Additive,
    /// No change to the generated API (worth mentioning in a changelog).
    None,
}

impl Class {
    /// `"breaking"`, `"additive"` or `"none"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Additive => "additive",
            Class::None => "none",
        }
    }
}

/// The semver bump a set of changes needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// `x.0.0`.
    Major,
    /// `0.x.0` or `1.x.0`.
    Minor,
    /// `0.0.x`.
    Patch,
    /// Nothing changed: no release needed.
    None,
}

impl Bump {
    /// `"major"`, `"minor"`, `"patch"` or `"none"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Major => "major",
            Bump::Minor => "minor",
            Bump::Patch => "patch",
            Bump::None => "none",
        }
    }
}

/// What kind of change; [`ChangeKind::as_str`] is the stable snake_case name used in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// A named type appeared.
    TypeAdded,
    /// A named type disappeared.
    TypeRemoved,
    /// Entity, complex, enum or type definition became another of these.
    TypeKindChanged,
    /// A type definition's underlying primitive changed.
    TypeUnderlyingChanged,
    /// A structural property appeared.
    PropertyAdded,
    /// A structural property disappeared.
    PropertyRemoved,
    /// A property's type or collection-ness changed.
    PropertyTypeChanged,
    /// A property's `Nullable` changed.
    PropertyNullabilityChanged,
    /// A navigation property appeared.
    NavigationAdded,
    /// A navigation property disappeared.
    NavigationRemoved,
    /// A navigation property's target or collection-ness changed.
    NavigationTypeChanged,
    /// A navigation property's `ContainsTarget` changed.
    NavigationContainmentChanged,
    /// An enum member appeared.
    EnumMemberAdded,
    /// An enum member disappeared.
    EnumMemberRemoved,
    /// An enum member's value changed (not explained by an insertion or removal before it).
    EnumMemberValueChanged,
    /// `IsFlags` changed.
    EnumFlagsChanged,
    /// `BaseType` changed.
    BaseTypeChanged,
    /// `Abstract` changed.
    AbstractChanged,
    /// `OpenType` changed.
    OpenTypeChanged,
    /// A type gained a direct derived type.
    DerivedTypeAdded,
    /// A type lost a direct derived type.
    DerivedTypeRemoved,
    /// An entity type's key changed.
    KeyChanged,
    /// An action or function overload appeared.
    OperationAdded,
    /// An action or function overload disappeared.
    OperationRemoved,
    /// An action became a function or the reverse.
    OperationKindChanged,
    /// A parameter appeared.
    OperationParameterAdded,
    /// A parameter disappeared.
    OperationParameterRemoved,
    /// A parameter's type changed.
    OperationParameterTypeChanged,
    /// The return type changed (or appeared or disappeared).
    OperationReturnTypeChanged,
    /// An entity set appeared.
    EntitySetAdded,
    /// An entity set disappeared.
    EntitySetRemoved,
    /// An entity set's entity type changed.
    EntitySetTypeChanged,
    /// A singleton appeared.
    SingletonAdded,
    /// A singleton disappeared.
    SingletonRemoved,
    /// A singleton's entity type changed.
    SingletonTypeChanged,
}

impl ChangeKind {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        use ChangeKind as K;
        match self {
            K::TypeAdded => "type_added",
            K::TypeRemoved => "type_removed",
            K::TypeKindChanged => "type_kind_changed",
            K::TypeUnderlyingChanged => "type_underlying_changed",
            K::PropertyAdded => "property_added",
            K::PropertyRemoved => "property_removed",
            K::PropertyTypeChanged => "property_type_changed",
            K::PropertyNullabilityChanged => "property_nullability_changed",
            K::NavigationAdded => "navigation_added",
            K::NavigationRemoved => "navigation_removed",
            K::NavigationTypeChanged => "navigation_type_changed",
            K::NavigationContainmentChanged => "navigation_containment_changed",
            K::EnumMemberAdded => "enum_member_added",
            K::EnumMemberRemoved => "enum_member_removed",
            K::EnumMemberValueChanged => "enum_member_value_changed",
            K::EnumFlagsChanged => "enum_flags_changed",
            K::BaseTypeChanged => "base_type_changed",
            K::AbstractChanged => "abstract_changed",
            K::OpenTypeChanged => "open_type_changed",
            K::DerivedTypeAdded => "derived_type_added",
            K::DerivedTypeRemoved => "derived_type_removed",
            K::KeyChanged => "key_changed",
            K::OperationAdded => "operation_added",
            K::OperationRemoved => "operation_removed",
            K::OperationKindChanged => "operation_kind_changed",
            K::OperationParameterAdded => "operation_parameter_added",
            K::OperationParameterRemoved => "operation_parameter_removed",
            K::OperationParameterTypeChanged => "operation_parameter_type_changed",
            K::OperationReturnTypeChanged => "operation_return_type_changed",
            K::EntitySetAdded => "entity_set_added",
            K::EntitySetRemoved => "entity_set_removed",
            K::EntitySetTypeChanged => "entity_set_type_changed",
            K::SingletonAdded => "singleton_added",
            K::SingletonRemoved => "singleton_removed",
            K::SingletonTypeChanged => "singleton_type_changed",
        }
    }
}

/// One change between two models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What kind of change.
    pub kind: ChangeKind,
    /// Where: `ns.type`, `ns.type/member`, `ns.operation[(binding,...)][/parameter]`,
    /// `Container/child`.
    pub path: String,
    /// Breaking, additive or neither.
    pub class: Class,
    /// A sentence for a changelog.
    pub detail: String,
}

impl Change {
    /// What a user of the generated crates must change in their code, for a breaking change.
    pub fn advice(&self) -> Option<&'static str> {
        use ChangeKind as K;
        if self.class != Class::Breaking {
            return None;
        }
        Some(match self.kind {
            K::TypeRemoved => "remove uses of the type; its JSON now arrives in `extra` of the values that held it",
            K::TypeKindChanged | K::TypeUnderlyingChanged => "update code that builds or matches values of the type",
            K::PropertyRemoved | K::NavigationRemoved => {
                "remove uses of the field; its value, if the service still sends it, is in `extra`"
            }
            K::PropertyTypeChanged | K::NavigationTypeChanged => "update code that reads or sets the field to its new type",
            K::EnumMemberRemoved => "replace the variant; the value now arrives as `Other(..)`",
            K::EnumFlagsChanged => "switch between the enum and `Flags<_>` where the property is used",
            K::BaseTypeChanged => "values of the type no longer fit properties typed with its old ancestors; match on the new `Any*` enums",
            K::AbstractChanged => "the `Any*` enum lost the variant of the type itself; match `Other(..)` instead",
            K::DerivedTypeAdded => "fields typed with the type now hold its `Any*` enum: match on it or use `From` to build one",
            K::DerivedTypeRemoved => "remove matches on the variant of the removed derived type",
            K::KeyChanged => "pass the new key parts to `by_id` / the key method",
            K::NavigationContainmentChanged => "reach the target through its new request-builder path",
            K::OperationRemoved => "remove calls of the method",
            K::OperationKindChanged
            | K::OperationParameterAdded
            | K::OperationParameterRemoved
            | K::OperationParameterTypeChanged
            | K::OperationReturnTypeChanged => "update calls of the method to its new signature and return type",
            K::EntitySetRemoved | K::SingletonRemoved => "remove uses of the request-builder method",
            K::EntitySetTypeChanged | K::SingletonTypeChanged => "update code that reads the responses to the new type",
            _ => "review uses of the item",
        })
    }
}

/// The bump for `changes` of a crate whose version is `current_major.x.y`: before 1.0 a
/// breaking change bumps the minor and anything else the patch; from 1.0 on, major and minor.
/// Changes without API effect still change the generated code, so they need a patch release.
pub fn bump(changes: &[Change], current_major: u64) -> Bump {
    let worst = changes.iter().map(|c| c.class).min();
    match (worst, current_major) {
        (None, _) => Bump::None,
        (Some(Class::Breaking), 0) => Bump::Minor,
        (Some(Class::Breaking), _) => Bump::Major,
        (Some(Class::Additive), 0) => Bump::Patch,
        (Some(Class::Additive), _) => Bump::Minor,
        (Some(Class::None), _) => Bump::Patch,
    }
}

/// Every change from `old` to `new`, sorted by path, then kind, then class (breaking first), then
/// detail.
pub fn diff(old: &Model, new: &Model) -> Vec<Change> {
    let old = Side::new(old);
    let new = Side::new(new);
    let mut cx = Cx { old: &old, new: &new, out: Vec::new() };
    cx.types();
    cx.operations();
    cx.container();
    let mut out = cx.out;
    out.sort_by(|a, b| {
        (&a.path, a.kind.as_str(), a.class, &a.detail).cmp(&(&b.path, b.kind.as_str(), b.class, &b.detail))
    });
    out
}

/// The changes in the closure of namespace `ns` (see [`prune`]). A side without the namespace
/// counts as empty, so a new namespace is all additions and a dropped one all removals.
pub fn diff_namespace(old: &Model, new: &Model, ns: &str) -> Vec<Change> {
    let empty = Model::default();
    let old = prune(old, ns).ok();
    let new = prune(new, ns).ok();
    diff(old.as_ref().unwrap_or(&empty), new.as_ref().unwrap_or(&empty))
}

/// One model with its qualified names computed once (ids differ between models, names do not).
struct Side<'a> {
    model: &'a Model<'a>,
    /// Qualified name per type id.
    names: Vec<String>,
}

impl<'a> Side<'a> {
    fn new(model: &'a Model<'a>) -> Self {
        Side { model, names: model.types.iter().map(TypeDef::qualified).collect() }
    }

    fn name(&self, id: crate::model::TypeId) -> &str {
        self.names.get(id.0 as usize).map_or("?", String::as_str)
    }

    /// Types by qualified name; the first wins when a name is duplicated (resolve reports that).
    fn types(&self) -> BTreeMap<&str, &'a TypeDef<'a>> {
        let mut out = BTreeMap::new();
        for (name, t) in self.names.iter().zip(&self.model.types) {
            out.entry(name.as_str()).or_insert(t);
        }
        out
    }

    fn show(&self, u: &TypeUse) -> String {
        u.csdl(|id| self.name(id))
    }

    /// Direct derived types' names.
    fn derived(&self, id: usize) -> BTreeSet<&str> {
        self.model.derived.get(id).into_iter().flatten().map(|d| self.name(*d)).collect()
    }

    /// The structured type at `id`, if it is one.
    fn structured(&self, id: usize) -> Option<&'a Structured<'a>> {
        match self.model.types.get(id).map(|t| &t.kind) {
            Some(TypeKind::Structured(s)) => Some(s),
            _ => None,
        }
    }

    /// `id` and its ancestors, most derived first; stops at a cycle (which resolve reports).
    fn chain(&self, id: usize) -> Vec<&'a Structured<'a>> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        let mut cur = Some(id);
        while let Some(i) = cur {
            let Some(s) = self.structured(i).filter(|_| seen.insert(i)) else { break };
            out.push(s);
            cur = s.base.map(|b| b.0 as usize);
        }
        out
    }

    /// The qualified names of the ancestors of `id`.
    fn ancestors(&self, id: usize) -> BTreeSet<&str> {
        self.chain(id).iter().filter_map(|s| s.base).map(|b| self.name(b)).collect()
    }

    /// The properties of the generated struct of `id`: declared and inherited, the most derived
    /// declaration of a name first.
    fn flat_properties(&self, id: usize) -> Vec<&'a crate::model::Property<'a>> {
        self.chain(id).into_iter().flat_map(|s| s.properties.iter()).collect()
    }

    /// The navigation properties of the generated struct of `id`, declared and inherited.
    fn flat_navigation(&self, id: usize) -> Vec<&'a crate::model::NavigationProperty<'a>> {
        self.chain(id).into_iter().flat_map(|s| s.navigation.iter()).collect()
    }

    /// The names of the direct derived types of `id` that have a property (or navigation
    /// property) named `p`; `None` when there are derived types without one, or none at all.
    fn all_derived_have(&self, id: usize, p: &str) -> Option<Vec<&str>> {
        let derived = self.model.derived.get(id)?;
        if derived.is_empty() {
            return None;
        }
        let mut names = Vec::new();
        for d in derived {
            let i = d.0 as usize;
            let has = self.flat_properties(i).iter().any(|x| x.name.as_ref() == p)
                || self.flat_navigation(i).iter().any(|x| x.name.as_ref() == p);
            if !has {
                return None;
            }
            names.push(self.name(*d));
        }
        names.sort_unstable();
        Some(names)
    }

    fn key(&self, id: usize) -> Option<Vec<String>> {
        // `Model::key` walks the base chain; guard the id so a bad model cannot panic.
        (id < self.model.types.len()).then(|| self.model.key(crate::model::TypeId(id as u32))).flatten()
    }
}

struct Cx<'s, 'a> {
    old: &'s Side<'a>,
    new: &'s Side<'a>,
    out: Vec<Change>,
}

fn kind_label(t: &TypeDef) -> &'static str {
    match &t.kind {
        TypeKind::Structured(s) if s.kind == StructuredKind::Entity => "entity type",
        TypeKind::Structured(_) => "complex type",
        TypeKind::Enum(_) => "enum type",
        TypeKind::Definition { .. } => "type definition",
    }
}

fn yes_no(b: bool, yes: &str, no: &str) -> String {
    if b { yes } else { no }.to_string()
}

impl Cx<'_, '_> {
    fn push(&mut self, kind: ChangeKind, path: String, class: Class, detail: String) {
        self.out.push(Change { kind, path, class, detail });
    }

    fn types(&mut self) {
        let old = self.old.types();
        let new = self.new.types();
        let old_ids = id_index(&self.old.names);
        let new_ids = id_index(&self.new.names);
        let names: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
        for name in names {
            match (old.get(name), new.get(name)) {
                (Some(o), None) => self.push(
                    ChangeKind::TypeRemoved,
                    name.into(),
                    Class::Breaking,
                    format!("{} removed", kind_label(o)),
                ),
                (None, Some(n)) => {
                    self.push(ChangeKind::TypeAdded, name.into(), Class::Additive, format!("{} added", kind_label(n)))
                }
                (Some(o), Some(n)) => {
                    let (oi, ni) = (old_ids.get(name).copied().unwrap_or(0), new_ids.get(name).copied().unwrap_or(0));
                    self.type_pair(name, o, n, oi, ni);
                }
                (None, None) => {}
            }
        }
    }

    fn type_pair(&mut self, name: &str, o: &TypeDef, n: &TypeDef, oi: usize, ni: usize) {
        if kind_label(o) != kind_label(n) {
            let detail = format!("{} became {}", kind_label(o), kind_label(n));
            self.push(ChangeKind::TypeKindChanged, name.into(), Class::Breaking, detail);
        }
        match (&o.kind, &n.kind) {
            (TypeKind::Structured(a), TypeKind::Structured(b)) => self.structured(name, a, b, oi, ni),
            (TypeKind::Enum(a), TypeKind::Enum(b)) => self.enumeration(name, a, b),
            (TypeKind::Definition { underlying: a, .. }, TypeKind::Definition { underlying: b, .. }) if a != b => {
                let detail = format!("underlying type Edm.{a} -> Edm.{b}");
                self.push(ChangeKind::TypeUnderlyingChanged, name.into(), Class::Breaking, detail);
            }
            _ => {}
        }
    }

    fn structured(&mut self, name: &str, a: &Structured, b: &Structured, oi: usize, ni: usize) {
        let (old, new) = (self.old, self.new);
        let base = |side: &Side<'_>, s: &Structured| s.base.map_or_else(|| "none".to_string(), |t| side.name(t).into());
        let (ob, nb) = (base(old, a), base(new, b));
        if ob != nb {
            // The struct's fields are compared flattened below; what the base decides on its own
            // is which `Any*` enums accept the type: leaving an ancestor breaks, gaining one not.
            let (oa, na) = (old.ancestors(oi), new.ancestors(ni));
            let (class, detail) = if oa.is_subset(&na) {
                (Class::Additive, format!("base type {ob} -> {nb}; the struct keeps its fields"))
            } else {
                let lost: Vec<&str> = oa.difference(&na).copied().collect();
                (Class::Breaking, format!("base type {ob} -> {nb}; no longer derived from {}", lost.join(", ")))
            };
            self.push(ChangeKind::BaseTypeChanged, name.into(), class, detail);
        }
        let (od, nd) = (old.derived(oi), new.derived(ni));
        if a.is_abstract != b.is_abstract {
            // A polymorphic type's `Any*` enum has a variant for the type itself only when it
            // is concrete; otherwise abstractness is invisible in the generated code.
            let class = match (nd.is_empty(), b.is_abstract) {
                (true, _) => Class::None,
                (false, true) => Class::Breaking,
                (false, false) => Class::Additive,
            };
            let detail = yes_no(b.is_abstract, "became abstract", "became concrete");
            self.push(ChangeKind::AbstractChanged, name.into(), class, detail);
        }
        if a.open_type != b.open_type {
            // Unknown properties are kept on every generated type, open or not.
            let detail = yes_no(b.open_type, "became open", "is no longer open");
            self.push(ChangeKind::OpenTypeChanged, name.into(), Class::None, detail);
        }
        if a.kind == StructuredKind::Entity && b.kind == StructuredKind::Entity {
            let (ok, nk) = (old.key(oi), new.key(ni));
            if ok != nk {
                let show =
                    |k: Option<Vec<String>>| k.map_or_else(|| "none".to_string(), |k| format!("({})", k.join(", ")));
                let detail = format!("key {} -> {}", show(ok), show(nk));
                self.push(ChangeKind::KeyChanged, name.into(), Class::Breaking, detail);
            }
        }
        for (i, d) in nd.difference(&od).enumerate() {
            // The Rust type of properties typed with this one changes once, with the first.
            let (class, detail) = if od.is_empty() && i == 0 {
                (Class::Breaking, format!("first derived type {d}: properties typed {name} become its Any* enum"))
            } else {
                (Class::Additive, format!("derived type {d} added"))
            };
            self.push(ChangeKind::DerivedTypeAdded, name.into(), class, detail);
        }
        for d in od.difference(&nd) {
            let detail = if nd.is_empty() {
                format!("last derived type {d} removed: properties typed {name} are no longer its Any* enum")
            } else {
                format!("derived type {d} removed")
            };
            self.push(ChangeKind::DerivedTypeRemoved, name.into(), Class::Breaking, detail);
        }
        self.properties(name, oi, ni);
        self.navigation(name, oi, ni);
    }

    /// Why a property of `name` is gone: moved into every derived type, or just removed.
    fn removed_detail(&self, what: &str, was: String, ni: usize, p: &str) -> String {
        match self.new.all_derived_have(ni, p) {
            Some(derived) => format!(
                "{what} moved to the derived types {} (was {was}): gone from this struct, kept on theirs",
                derived.join(", ")
            ),
            None => format!("{what} removed (was {was})"),
        }
    }

    fn properties(&mut self, name: &str, oi: usize, ni: usize) {
        let (old, new) = (self.old, self.new);
        let (a, b) = (old.flat_properties(oi), new.flat_properties(ni));
        let om = by_name(a.iter().map(|p| (p.name.as_ref(), *p)));
        let nm = by_name(b.iter().map(|p| (p.name.as_ref(), *p)));
        for (p, x, y) in union(&om, &nm) {
            let path = format!("{name}/{p}");
            match (x, y) {
                (Some(x), None) => {
                    let detail = self.removed_detail("property", old.show(&x.ty), ni, p);
                    self.push(ChangeKind::PropertyRemoved, path, Class::Breaking, detail);
                }
                (None, Some(y)) => {
                    let detail = format!("property added: {}", new.show(&y.ty));
                    self.push(ChangeKind::PropertyAdded, path, Class::Additive, detail);
                }
                (Some(x), Some(y)) => {
                    let (ot, nt) = (old.show(&x.ty), new.show(&y.ty));
                    if ot != nt {
                        self.push(
                            ChangeKind::PropertyTypeChanged,
                            path.clone(),
                            Class::Breaking,
                            format!("{ot} -> {nt}"),
                        );
                    }
                    if x.nullable() != y.nullable() {
                        // Every generated field is an Option, whatever the schema says.
                        let detail = yes_no(y.nullable(), "became nullable", "became not nullable");
                        self.push(ChangeKind::PropertyNullabilityChanged, path, Class::None, detail);
                    }
                }
                (None, None) => {}
            }
        }
    }

    fn navigation(&mut self, name: &str, oi: usize, ni: usize) {
        let (old, new) = (self.old, self.new);
        let show = |side: &Side<'_>, n: &crate::model::NavigationProperty| {
            side.show(&TypeUse { collection: n.collection, target: Target::Named(n.target) })
        };
        let (a, b) = (old.flat_navigation(oi), new.flat_navigation(ni));
        let om = by_name(a.iter().map(|p| (p.name.as_ref(), *p)));
        let nm = by_name(b.iter().map(|p| (p.name.as_ref(), *p)));
        for (p, x, y) in union(&om, &nm) {
            let path = format!("{name}/{p}");
            match (x, y) {
                (Some(x), None) => {
                    let detail = self.removed_detail("navigation property", show(old, x), ni, p);
                    self.push(ChangeKind::NavigationRemoved, path, Class::Breaking, detail);
                }
                (None, Some(y)) => {
                    let detail = format!("navigation property added: {}", show(new, y));
                    self.push(ChangeKind::NavigationAdded, path, Class::Additive, detail);
                }
                (Some(x), Some(y)) => {
                    let (ot, nt) = (show(old, x), show(new, y));
                    if ot != nt {
                        self.push(
                            ChangeKind::NavigationTypeChanged,
                            path.clone(),
                            Class::Breaking,
                            format!("{ot} -> {nt}"),
                        );
                    }
                    if x.contains_target != y.contains_target {
                        // Containment decides how the target is addressed (request-builder paths).
                        let detail = yes_no(y.contains_target, "became containment", "is no longer containment");
                        self.push(ChangeKind::NavigationContainmentChanged, path, Class::Breaking, detail);
                    }
                }
                (None, None) => {}
            }
        }
    }

    fn enumeration(&mut self, name: &str, a: &Enum, b: &Enum) {
        if a.is_flags != b.is_flags {
            // A flags enum is generated as a set, a plain one as an enum.
            let detail = yes_no(b.is_flags, "became a flags enum", "is no longer a flags enum");
            self.push(ChangeKind::EnumFlagsChanged, name.into(), Class::Breaking, detail);
        }
        // (position, value) by name.
        let om = by_name(a.members.iter().enumerate().map(|(i, m)| (m.name.as_ref(), (i, m.value))));
        let nm = by_name(b.members.iter().enumerate().map(|(i, m)| (m.name.as_ref(), (i, m.value))));
        let moved: Vec<Revalued<'_>> = om
            .iter()
            .filter_map(|(n, &(old_pos, old))| {
                let &(new_pos, new) = nm.get(n).filter(|&&(_, v)| v != old)?;
                Some(Revalued { name: n, old_pos, new_pos, old, new })
            })
            .collect();
        let mut explained: BTreeSet<&str> = BTreeSet::new();
        let ufv_new = b.unknown_future_value();
        for (m, x, y) in union(&om, &nm) {
            let path = format!("{name}/{m}");
            match (x, y) {
                (Some(&(pos, value)), None) => {
                    let note = renumbered(&moved, |r| r.old_pos > pos, &mut explained);
                    let detail = format!("member removed (value {value}){note}");
                    self.push(ChangeKind::EnumMemberRemoved, path, Class::Breaking, detail);
                }
                (None, Some(&(pos, value))) => {
                    let note = renumbered(&moved, |r| r.new_pos > pos, &mut explained);
                    let before = if ufv_new.is_some_and(|u| pos < u) { " before unknownFutureValue" } else { "" };
                    let detail = format!("member added{before} (value {value}){note}");
                    self.push(ChangeKind::EnumMemberAdded, path, Class::Additive, detail);
                }
                _ => {}
            }
        }
        for r in &moved {
            if !explained.contains(r.name) {
                // Names are on the wire, values are not: the generated API does not change.
                let detail = format!("value {} -> {}", r.old, r.new);
                self.push(ChangeKind::EnumMemberValueChanged, format!("{name}/{}", r.name), Class::None, detail);
            }
        }
    }

    fn operations(&mut self) {
        let (old, new) = (self.old, self.new);
        let og = op_groups(old);
        let ng = op_groups(new);
        // How many binding keys each qualified name has, across both sides.
        let mut bindings: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (q, b) in og.keys().chain(ng.keys()) {
            bindings.entry(q.as_str()).or_default().insert(b.as_str());
        }
        let empty: Vec<&Operation> = Vec::new();
        let keys: BTreeSet<&(String, String)> = og.keys().chain(ng.keys()).collect();
        for key in keys {
            let (q, b) = key;
            let os = og.get(key).unwrap_or(&empty);
            let ns = ng.get(key).unwrap_or(&empty);
            let by_binding = bindings.get(q.as_str()).is_some_and(|s| s.len() > 1);
            let by_params = os.len() > 1 || ns.len() > 1;
            let label = |side: &Side<'_>, op: &Operation| {
                if by_params {
                    let types: Vec<String> = op.parameters.iter().map(|p| side.show(&p.ty)).collect();
                    format!("{q}({})", types.join(","))
                } else if by_binding {
                    format!("{q}({b})")
                } else {
                    q.clone()
                }
            };
            // Overloads with the same binding differ by their parameter names (OData's rule):
            // pair those first, then a lone pair left on each side (a parameter was renamed).
            let mut left_new: Vec<&Operation> = ns.clone();
            let mut pairs: Vec<(&Operation, &Operation)> = Vec::new();
            let mut left_old: Vec<&Operation> = Vec::new();
            for &o in os {
                let names = param_names(o);
                match left_new.iter().position(|n| param_names(n) == names) {
                    Some(i) => pairs.push((o, left_new.remove(i))),
                    None => left_old.push(o),
                }
            }
            if left_old.len() == 1 && left_new.len() == 1 {
                pairs.push((left_old[0], left_new[0]));
                left_old.clear();
                left_new.clear();
            }
            for o in left_old {
                let detail = format!("{} removed", op_kind(o));
                self.push(ChangeKind::OperationRemoved, label(old, o), Class::Breaking, detail);
            }
            for n in left_new {
                let detail = format!("{} added", op_kind(n));
                self.push(ChangeKind::OperationAdded, label(new, n), Class::Additive, detail);
            }
            for (o, n) in pairs {
                self.operation_pair(&label(new, n), o, n);
            }
        }
    }

    fn operation_pair(&mut self, path: &str, o: &Operation, n: &Operation) {
        let (old, new) = (self.old, self.new);
        if o.kind != n.kind {
            let detail = format!("{} became {}", op_kind(o), op_kind(n));
            self.push(ChangeKind::OperationKindChanged, path.into(), Class::Breaking, detail);
        }
        let ret = |side: &Side<'_>, op: &Operation| op.return_type.as_ref().map_or("none".into(), |r| side.show(&r.ty));
        let (or, nr) = (ret(old, o), ret(new, n));
        if or != nr {
            self.push(
                ChangeKind::OperationReturnTypeChanged,
                path.into(),
                Class::Breaking,
                format!("returns {or} -> {nr}"),
            );
        }
        let om = by_name(params(o).map(|p| (p.name.as_ref(), p)));
        let nm = by_name(params(n).map(|p| (p.name.as_ref(), p)));
        for (p, x, y) in union(&om, &nm) {
            let ppath = format!("{path}/{p}");
            match (x, y) {
                (Some(x), None) => {
                    let detail = format!("parameter removed (was {})", old.show(&x.ty));
                    self.push(ChangeKind::OperationParameterRemoved, ppath, Class::Breaking, detail);
                }
                (None, Some(y)) => {
                    // A new required parameter changes every call; an optional one does not.
                    let optional = y.annotations.get("Org.OData.Core.V1.OptionalParameter").is_some();
                    let class = if optional { Class::Additive } else { Class::Breaking };
                    let what = if optional { "optional parameter" } else { "required parameter" };
                    let detail = format!("{what} added: {}", new.show(&y.ty));
                    self.push(ChangeKind::OperationParameterAdded, ppath, class, detail);
                }
                (Some(x), Some(y)) => {
                    let (ot, nt) = (old.show(&x.ty), new.show(&y.ty));
                    if ot != nt {
                        self.push(
                            ChangeKind::OperationParameterTypeChanged,
                            ppath,
                            Class::Breaking,
                            format!("{ot} -> {nt}"),
                        );
                    }
                }
                (None, None) => {}
            }
        }
    }

    fn container(&mut self) {
        let (old, new) = (self.old, self.new);
        let (oc, nc) = (old.model.container.as_ref(), new.model.container.as_ref());
        let Some(cname) = nc.or(oc).map(|c| c.name.as_ref()) else { return };
        let kinds = [
            (ChangeKind::EntitySetAdded, ChangeKind::EntitySetRemoved, ChangeKind::EntitySetTypeChanged, "entity set"),
            (ChangeKind::SingletonAdded, ChangeKind::SingletonRemoved, ChangeKind::SingletonTypeChanged, "singleton"),
        ];
        for (i, (added, removed, retyped, what)) in kinds.into_iter().enumerate() {
            let (om, nm) = (children(oc, i == 1), children(nc, i == 1));
            for (s, x, y) in union(&om, &nm) {
                let path = format!("{cname}/{s}");
                match (x, y) {
                    (Some(x), None) => {
                        let detail = format!("{what} removed (was {})", old.name(x.ty));
                        self.push(removed, path, Class::Breaking, detail);
                    }
                    (None, Some(y)) => {
                        let detail = format!("{what} added: {}", new.name(y.ty));
                        self.push(added, path, Class::Additive, detail);
                    }
                    (Some(x), Some(y)) if old.name(x.ty) != new.name(y.ty) => {
                        let detail = format!("{} -> {}", old.name(x.ty), new.name(y.ty));
                        self.push(retyped, path, Class::Breaking, detail);
                    }
                    _ => {}
                }
            }
        }
    }
}

/// A container's entity sets (or singletons) by name.
fn children<'a>(
    c: Option<&'a crate::model::Container<'a>>,
    singletons: bool,
) -> BTreeMap<&'a str, &'a crate::model::EntitySet<'a>> {
    let list = c.map(|c| if singletons { &c.singletons } else { &c.entity_sets });
    list.map(|v| by_name(v.iter().map(|s| (s.name.as_ref(), s)))).unwrap_or_default()
}

/// An enum member in both models whose value changed.
struct Revalued<'a> {
    name: &'a str,
    old_pos: usize,
    new_pos: usize,
    old: i64,
    new: i64,
}

/// The note on an insertion or removal that shifted the values of the members after it;
/// those members are then `explained` and not reported on their own.
fn renumbered<'a>(
    moved: &[Revalued<'a>],
    after: impl Fn(&Revalued<'a>) -> bool,
    explained: &mut BTreeSet<&'a str>,
) -> String {
    let items: Vec<String> = moved
        .iter()
        .filter(|r| after(r))
        .map(|r| {
            explained.insert(r.name);
            format!("{} {} -> {}", r.name, r.old, r.new)
        })
        .collect();
    if items.is_empty() {
        String::new()
    } else {
        format!("; the values after it were renumbered ({}), which is not visible on the wire", items.join(", "))
    }
}

/// Qualified name -> type id (first wins).
fn id_index(names: &[String]) -> BTreeMap<&str, usize> {
    let mut out = BTreeMap::new();
    for (i, n) in names.iter().enumerate() {
        out.entry(n.as_str()).or_insert(i);
    }
    out
}

/// A name-keyed map; the first of duplicated names wins.
fn by_name<'a, T>(items: impl Iterator<Item = (&'a str, T)>) -> BTreeMap<&'a str, T> {
    let mut out = BTreeMap::new();
    for (k, v) in items {
        out.entry(k).or_insert(v);
    }
    out
}

/// Every name of either map, in order, with its value on each side.
fn union<'m, 'a, T>(
    a: &'m BTreeMap<&'a str, T>,
    b: &'m BTreeMap<&'a str, T>,
) -> Vec<(&'a str, Option<&'m T>, Option<&'m T>)> {
    let names: BTreeSet<&'a str> = a.keys().chain(b.keys()).copied().collect();
    names.into_iter().map(|n| (n, a.get(n), b.get(n))).collect()
}

/// Operations grouped by (qualified name, binding type as written or `""` when unbound).
fn op_groups<'a>(side: &Side<'a>) -> BTreeMap<(String, String), Vec<&'a Operation<'a>>> {
    let mut out: BTreeMap<(String, String), Vec<&'a Operation<'a>>> = BTreeMap::new();
    for op in &side.model.operations {
        let binding = op.binding().map(|b| side.show(b)).unwrap_or_default();
        out.entry((op.qualified(), binding)).or_default().push(op);
    }
    out
}

/// The parameters other than the binding one.
fn params<'a>(op: &'a Operation<'a>) -> impl Iterator<Item = &'a crate::model::Parameter<'a>> {
    op.parameters.iter().skip(usize::from(op.is_bound))
}

fn param_names<'a>(op: &'a Operation<'a>) -> BTreeSet<&'a str> {
    params(op).map(|p| &*p.name).collect()
}

fn op_kind(op: &Operation) -> &'static str {
    match op.kind {
        OperationKind::Action => "action",
        OperationKind::Function => "function",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(body: &str) -> Model<'static> {
        let xml = format!(
            "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\"><edmx:DataServices>\
             <Schema Namespace=\"ns\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">{body}</Schema>\
             </edmx:DataServices></edmx:Edmx>"
        );
        // Test models outlive this function: the document is leaked on purpose.
        let xml: &'static str = xml.leak();
        let (m, d) = crate::load("t.xml", xml.as_bytes());
        assert!(!d.has_errors(), "{:#?}", d.0);
        m.expect("document reads")
    }

    fn changes(old: &str, new: &str) -> Vec<(&'static str, String, &'static str)> {
        diff(&model(old), &model(new)).into_iter().map(|c| (c.kind.as_str(), c.path, c.class.as_str())).collect()
    }

    fn one(old: &str, new: &str, kind: &'static str, path: &str, class: &'static str) {
        assert_eq!(changes(old, new), vec![(kind, path.to_string(), class)]);
    }

    const ENTITY: &str = r#"<EntityType Name="e"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/><Property Name="n" Type="Edm.Int32"/></EntityType>"#;

    #[test]
    fn type_removed_and_added() {
        let c = r#"<ComplexType Name="c"/>"#;
        one(&format!("{ENTITY}{c}"), ENTITY, "type_removed", "ns.c", "breaking");
        one(ENTITY, &format!("{ENTITY}{c}"), "type_added", "ns.c", "additive");
    }

    #[test]
    fn type_kind_changed() {
        one(r#"<ComplexType Name="c"/>"#, r#"<EnumType Name="c"/>"#, "type_kind_changed", "ns.c", "breaking");
    }

    #[test]
    fn properties_removed_added_retyped_and_nullability() {
        let old = r#"<ComplexType Name="c"><Property Name="a" Type="Edm.String"/></ComplexType>"#;
        one(old, r#"<ComplexType Name="c"/>"#, "property_removed", "ns.c/a", "breaking");
        let added = r#"<ComplexType Name="c"><Property Name="a" Type="Edm.String"/><Property Name="b" Type="Edm.Int32"/></ComplexType>"#;
        one(old, added, "property_added", "ns.c/b", "additive");
        let retyped = r#"<ComplexType Name="c"><Property Name="a" Type="Edm.Int32"/></ComplexType>"#;
        one(old, retyped, "property_type_changed", "ns.c/a", "breaking");
        let collection = r#"<ComplexType Name="c"><Property Name="a" Type="Collection(Edm.String)"/></ComplexType>"#;
        one(old, collection, "property_type_changed", "ns.c/a", "breaking");
        let required = r#"<ComplexType Name="c"><Property Name="a" Type="Edm.String" Nullable="false"/></ComplexType>"#;
        one(old, required, "property_nullability_changed", "ns.c/a", "none");
    }

    #[test]
    fn navigation_added_removed_retyped_and_containment() {
        let nav = |ty: &str, contains: bool| {
            format!(
                "{ENTITY}<EntityType Name=\"f\"><Key><PropertyRef Name=\"id\"/></Key><Property Name=\"id\" Type=\"Edm.String\" Nullable=\"false\"/>\
                 <NavigationProperty Name=\"to\" Type=\"{ty}\" ContainsTarget=\"{contains}\"/></EntityType>"
            )
        };
        let without = format!(
            "{ENTITY}<EntityType Name=\"f\"><Key><PropertyRef Name=\"id\"/></Key><Property Name=\"id\" Type=\"Edm.String\" Nullable=\"false\"/></EntityType>"
        );
        one(&without, &nav("ns.e", false), "navigation_added", "ns.f/to", "additive");
        one(&nav("ns.e", false), &without, "navigation_removed", "ns.f/to", "breaking");
        one(&nav("ns.e", false), &nav("Collection(ns.e)", false), "navigation_type_changed", "ns.f/to", "breaking");
        one(&nav("ns.e", false), &nav("ns.e", true), "navigation_containment_changed", "ns.f/to", "breaking");
    }

    #[test]
    fn enum_members() {
        let old = r#"<EnumType Name="r"><Member Name="a" Value="0"/><Member Name="b" Value="1"/><Member Name="unknownFutureValue" Value="2"/></EnumType>"#;
        let removed = r#"<EnumType Name="r"><Member Name="a" Value="0"/><Member Name="unknownFutureValue" Value="2"/></EnumType>"#;
        one(old, removed, "enum_member_removed", "ns.r/b", "breaking");
        let inserted = r#"<EnumType Name="r"><Member Name="a" Value="0"/><Member Name="b" Value="1"/><Member Name="c" Value="2"/><Member Name="unknownFutureValue" Value="3"/></EnumType>"#;
        one(old, inserted, "enum_member_added", "ns.r/c", "additive");
        let d = diff(&model(old), &model(inserted));
        assert!(d[0].detail.contains("before unknownFutureValue"), "{}", d[0].detail);
        assert!(d[0].detail.contains("renumbered (unknownFutureValue 2 -> 3)"), "{}", d[0].detail);
        let revalued = r#"<EnumType Name="r"><Member Name="a" Value="0"/><Member Name="b" Value="5"/><Member Name="unknownFutureValue" Value="2"/></EnumType>"#;
        one(old, revalued, "enum_member_value_changed", "ns.r/b", "none");
        let flags = r#"<EnumType Name="r" IsFlags="true"><Member Name="a" Value="0"/><Member Name="b" Value="1"/><Member Name="unknownFutureValue" Value="2"/></EnumType>"#;
        one(old, flags, "enum_flags_changed", "ns.r", "breaking");
    }

    #[test]
    fn base_type_abstract_open_and_key() {
        let types = |extra: &str, attrs: &str| {
            format!(
                "<ComplexType Name=\"b1\"/><ComplexType Name=\"b2\"/><ComplexType Name=\"s1\" BaseType=\"ns.b1\"/><ComplexType Name=\"s2\" BaseType=\"ns.b2\"/>\
                 <ComplexType Name=\"c\" {attrs}{extra}/>"
            )
        };
        let d = changes(&types(" BaseType=\"ns.b1\"", ""), &types(" BaseType=\"ns.b2\"", ""));
        assert!(d.contains(&("base_type_changed", "ns.c".into(), "breaking")), "{d:?}");
        one(&types("", ""), &types("", "Abstract=\"true\""), "abstract_changed", "ns.c", "none");
        one(&types("", ""), &types("", "OpenType=\"true\""), "open_type_changed", "ns.c", "none");
        let keyed = ENTITY.replace("<PropertyRef Name=\"id\"/>", "<PropertyRef Name=\"id\"/><PropertyRef Name=\"n\"/>");
        one(ENTITY, &keyed, "key_changed", "ns.e", "breaking");
    }

    #[test]
    fn the_first_derived_type_breaks_later_ones_do_not() {
        let base = r#"<ComplexType Name="b"/><ComplexType Name="u"><Property Name="p" Type="ns.b"/></ComplexType>"#;
        let first = format!("{base}<ComplexType Name=\"d1\" BaseType=\"ns.b\"/>");
        let second = format!("{first}<ComplexType Name=\"d2\" BaseType=\"ns.b\"/>");
        assert_eq!(
            changes(base, &first),
            vec![("derived_type_added", "ns.b".into(), "breaking"), ("type_added", "ns.d1".into(), "additive")]
        );
        assert_eq!(
            changes(&first, &second),
            vec![("derived_type_added", "ns.b".into(), "additive"), ("type_added", "ns.d2".into(), "additive")]
        );
        let both: Vec<&str> = diff(&model(base), &model(&second)).iter().map(|c| c.class.as_str()).collect();
        assert_eq!(both, ["breaking", "additive", "additive", "additive"]);
        assert_eq!(
            changes(&second, &first),
            vec![("derived_type_removed", "ns.b".into(), "breaking"), ("type_removed", "ns.d2".into(), "breaking")]
        );
    }

    #[test]
    fn a_property_moved_into_a_new_base_type_is_not_removed() {
        let old = r#"<ComplexType Name="pstn"><Property Name="id" Type="Edm.String"/><Property Name="charge" Type="Edm.Decimal"/></ComplexType>
            <ComplexType Name="direct"><Property Name="id" Type="Edm.String"/></ComplexType>"#;
        let new = r#"<ComplexType Name="row"><Property Name="id" Type="Edm.String"/></ComplexType>
            <ComplexType Name="pstn" BaseType="ns.row"><Property Name="charge" Type="Edm.Decimal"/></ComplexType>
            <ComplexType Name="direct" BaseType="ns.row"/>"#;
        assert_eq!(
            changes(old, new),
            vec![
                ("base_type_changed", "ns.direct".into(), "additive"),
                ("base_type_changed", "ns.pstn".into(), "additive"),
                ("type_added", "ns.row".into(), "additive"),
            ]
        );
    }

    #[test]
    fn a_property_moved_from_a_base_into_its_derived_types_stays_on_them() {
        let old = r#"<ComplexType Name="b"><Property Name="x" Type="Edm.String"/></ComplexType>
            <ComplexType Name="d1" BaseType="ns.b"/><ComplexType Name="d2" BaseType="ns.b"/>"#;
        let new = r#"<ComplexType Name="b"/>
            <ComplexType Name="d1" BaseType="ns.b"><Property Name="x" Type="Edm.String"/></ComplexType>
            <ComplexType Name="d2" BaseType="ns.b"><Property Name="x" Type="Edm.String"/></ComplexType>"#;
        let d = diff(&model(old), &model(new));
        // Only the base's own struct loses the field; the derived structs keep theirs.
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].kind, d[0].path.as_str(), d[0].class),
            (ChangeKind::PropertyRemoved, "ns.b/x", Class::Breaking)
        );
        assert!(d[0].detail.contains("moved to the derived types ns.d1, ns.d2"), "{}", d[0].detail);
        assert!(d[0].advice().is_some());
    }

    #[test]
    fn leaving_a_hierarchy_breaks_and_an_inherited_property_removed_is_removed_below() {
        let old = r#"<ComplexType Name="b"><Property Name="x" Type="Edm.String"/></ComplexType><ComplexType Name="d" BaseType="ns.b"/>"#;
        let new = r#"<ComplexType Name="b"/><ComplexType Name="d" BaseType="ns.b"/>"#;
        assert_eq!(
            changes(old, new),
            vec![("property_removed", "ns.b/x".into(), "breaking"), ("property_removed", "ns.d/x".into(), "breaking")]
        );
        let left = r#"<ComplexType Name="b"><Property Name="x" Type="Edm.String"/></ComplexType><ComplexType Name="d"><Property Name="x" Type="Edm.String"/></ComplexType>"#;
        let d = changes(old, left);
        assert!(d.contains(&("base_type_changed", "ns.d".into(), "breaking")), "{d:?}");
        assert!(!d.iter().any(|c| c.0 == "property_removed"), "{d:?}");
    }

    const OPS: &str = r#"<ComplexType Name="row"/><ComplexType Name="row2"/>
        <Function Name="f" IsBound="true"><Parameter Name="bp" Type="Collection(ns.e)"/><Parameter Name="from" Type="Edm.DateTimeOffset"/><ReturnType Type="Collection(ns.row)"/></Function>
        <Action Name="a"><Parameter Name="x" Type="Edm.String"/></Action>"#;

    #[test]
    fn operations_removed_added_and_changed() {
        let old = format!("{ENTITY}{OPS}");
        let without_a = old.replace(r#"<Action Name="a"><Parameter Name="x" Type="Edm.String"/></Action>"#, "");
        one(&old, &without_a, "operation_removed", "ns.a", "breaking");
        one(&without_a, &old, "operation_added", "ns.a", "additive");
        let retyped = old.replace(r#"Name="from" Type="Edm.DateTimeOffset""#, r#"Name="from" Type="Edm.Date""#);
        one(&old, &retyped, "operation_parameter_type_changed", "ns.f/from", "breaking");
        let returns = old.replace("Collection(ns.row)", "Collection(ns.row2)");
        one(&old, &returns, "operation_return_type_changed", "ns.f", "breaking");
        let more = old.replace(
            r#"<Parameter Name="x" Type="Edm.String"/>"#,
            r#"<Parameter Name="x" Type="Edm.String"/><Parameter Name="y" Type="Edm.Int32"/>"#,
        );
        one(&old, &more, "operation_parameter_added", "ns.a/y", "breaking");
        one(&more, &old, "operation_parameter_removed", "ns.a/y", "breaking");
    }

    #[test]
    fn overloads_are_told_apart_by_binding_then_by_parameters() {
        let ops = |extra: &str| {
            format!(
                "{ENTITY}<ComplexType Name=\"c\"/>\
                 <Function Name=\"f\" IsBound=\"true\"><Parameter Name=\"bp\" Type=\"ns.e\"/><ReturnType Type=\"Edm.String\"/></Function>{extra}"
            )
        };
        let other_binding =
            "<Function Name=\"f\" IsBound=\"true\"><Parameter Name=\"bp\" Type=\"ns.c\"/><ReturnType Type=\"Edm.String\"/></Function>";
        one(&ops(""), &ops(other_binding), "operation_added", "ns.f(ns.c)", "additive");
        let other_params = "<Function Name=\"f\" IsBound=\"true\"><Parameter Name=\"bp\" Type=\"ns.e\"/><Parameter Name=\"q\" Type=\"Edm.Int32\"/><ReturnType Type=\"Edm.String\"/></Function>";
        one(&ops(""), &ops(other_params), "operation_added", "ns.f(ns.e,Edm.Int32)", "additive");
    }

    #[test]
    fn entity_sets_and_singletons() {
        let c = |children: &str| format!("{ENTITY}<EntityContainer Name=\"Svc\">{children}</EntityContainer>");
        let set = r#"<EntitySet Name="es" EntityType="ns.e"/>"#;
        let single = r#"<Singleton Name="me" Type="ns.e"/>"#;
        one(&c(set), &c(""), "entity_set_removed", "Svc/es", "breaking");
        one(&c(""), &c(set), "entity_set_added", "Svc/es", "additive");
        one(&c(single), &c(""), "singleton_removed", "Svc/me", "breaking");
        one(&c(""), &c(single), "singleton_added", "Svc/me", "additive");
    }

    #[test]
    fn reordering_changes_nothing() {
        let a = format!(
            "{ENTITY}<ComplexType Name=\"c\"><Property Name=\"x\" Type=\"Edm.String\"/><Property Name=\"y\" Type=\"ns.r\"/></ComplexType>\
             <EnumType Name=\"r\"><Member Name=\"p\" Value=\"0\"/><Member Name=\"q\" Value=\"1\"/></EnumType>{OPS}\
             <Function Name=\"g\"><ReturnType Type=\"Edm.String\"/></Function>\
             <EntityContainer Name=\"Svc\"><EntitySet Name=\"es\" EntityType=\"ns.e\"/><Singleton Name=\"me\" Type=\"ns.e\"/></EntityContainer>"
        );
        let b = "<Function Name=\"g\"><ReturnType Type=\"Edm.String\"/></Function>\
             <Action Name=\"a\"><Parameter Name=\"x\" Type=\"Edm.String\"/></Action>\
             <EnumType Name=\"r\"><Member Name=\"q\" Value=\"1\"/><Member Name=\"p\" Value=\"0\"/></EnumType>\
             <ComplexType Name=\"c\"><Property Name=\"y\" Type=\"ns.r\"/><Property Name=\"x\" Type=\"Edm.String\"/></ComplexType>\
             <Function Name=\"f\" IsBound=\"true\"><Parameter Name=\"bp\" Type=\"Collection(ns.e)\"/><Parameter Name=\"from\" Type=\"Edm.DateTimeOffset\"/><ReturnType Type=\"Collection(ns.row)\"/></Function>\
             <ComplexType Name=\"row2\"/><ComplexType Name=\"row\"/>\
             <EntityType Name=\"e\"><Key><PropertyRef Name=\"id\"/></Key><Property Name=\"n\" Type=\"Edm.Int32\"/><Property Name=\"id\" Type=\"Edm.String\" Nullable=\"false\"/></EntityType>\
             <EntityContainer Name=\"Svc\"><Singleton Name=\"me\" Type=\"ns.e\"/><EntitySet Name=\"es\" EntityType=\"ns.e\"/></EntityContainer>";
        assert_eq!(changes(&a, b), vec![]);
        assert_eq!(changes(&a, &a), vec![]);
    }

    #[test]
    fn a_missing_namespace_counts_as_empty() {
        let m = model(r#"<ComplexType Name="c"/>"#);
        let d = diff_namespace(&Model::default(), &m, "ns");
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].kind, d[0].class), (ChangeKind::TypeAdded, Class::Additive));
        assert!(diff_namespace(&m, &m, "ns").is_empty());
        assert!(diff_namespace(&m, &m, "absent").is_empty());
    }

    #[test]
    fn bump_rules() {
        let c = |class| Change { kind: ChangeKind::TypeAdded, path: "p".into(), class, detail: String::new() };
        assert_eq!(bump(&[], 0), Bump::None);
        assert_eq!(bump(&[], 1), Bump::None);
        assert_eq!(bump(&[c(Class::None)], 0), Bump::Patch);
        assert_eq!(bump(&[c(Class::Additive), c(Class::None)], 0), Bump::Patch);
        assert_eq!(bump(&[c(Class::Additive), c(Class::Breaking)], 0), Bump::Minor);
        assert_eq!(bump(&[c(Class::Additive)], 2), Bump::Minor);
        assert_eq!(bump(&[c(Class::None), c(Class::Breaking)], 1), Bump::Major);
        assert_eq!(Bump::Major.as_str(), "major");
        assert_eq!(Class::Additive.as_str(), "additive");
    }
}

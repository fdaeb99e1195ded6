//! Cargo features for a crate generated from a whole document, so that a user compiles only
//! the part of the schema they use.
//!
//! A *unit* is one feature: every namespace other than the root one, and every entity set
//! and singleton of the container (an *area*). Each unit has a closure of types it needs:
//!
//! - its roots: the types of the namespace, or the type of the entity set or singleton and
//!   the types derived from it (which the set can hold);
//! - what a value of a root can hold: base types, the types of structural properties (and the
//!   types derived from them, which can stand in their place), the targets of containment
//!   navigation properties and their derived types (contained entities are only reachable
//!   through their container), recursively;
//! - for a namespace, the entity types on the container path that leads to its entities
//!   (for Graph callRecords: `cloudCommunications`), without what they contain.
//!
//! A type is compiled when any unit whose closure holds it is enabled. A type that every
//! namespace and area needs, or that is in the closure of more than [`SHARED`] units, is
//! shared: always compiled, without a feature. A reference from a compiled type to a type that may be off
//! (a non-containment navigation property, a derived type in an `Any*` enum, a client
//! method) carries the referenced type's condition; when it is off, the JSON of such a
//! property lands in the owner's `extra` and a derived type is read as the base, so nothing
//! is lost. Types that no unit reaches (in Graph: types only reached through non-containment
//! navigation, or derived types of such) are grouped per namespace under one more feature.
//!
//! Every name and condition depends only on the schema items involved, so an unrelated
//! change leaves them as they were.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use heck::ToKebabCase;

use super::names;
use crate::model::{Model, Target, TypeId};

/// A type needed by more units than this is always compiled: it is part of the common base
/// of the schema, and a longer condition would buy almost nothing.
pub const SHARED: usize = 16;

/// A cargo feature of the generated crates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// The feature name, e.g. `call-records` or `users`.
    pub name: String,
    /// What enabling it gives, one sentence for `Cargo.toml` and the crate docs.
    pub doc: String,
}

/// The features of a crate and the condition under which each type is compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Features {
    /// Every feature, sorted by name.
    pub list: Vec<Feature>,
    /// Per type: the indices (into `list`) of the features any of which compiles it, sorted;
    /// empty when the type is always compiled.
    gates: Vec<Vec<u32>>,
}

/// Where a unit comes from.
enum Origin<'a> {
    Namespace(&'a str),
    Area { name: &'a str, singleton: bool },
    Unreached(&'a str),
}

impl Features {
    /// Splits `model` into features; `root` is the namespace of the container.
    pub fn new(model: &Model, root: &str, module_of: impl Fn(&str) -> String) -> Features {
        let n = model.types.len();
        let contained = containment_edges(model);
        let derived = Derived::new(model);
        let edges = crate::model::prune::NavigationEdges::new(model);
        let mut units: Vec<(Origin, Vec<bool>)> = Vec::new();

        let mut namespaces: Vec<&str> = model.schemas.iter().map(|s| s.namespace.as_ref()).collect();
        namespaces.sort_unstable();
        namespaces.dedup();
        for &ns in namespaces.iter().filter(|ns| **ns != root) {
            let roots: Vec<TypeId> = type_ids(model).filter(|t| model.ty(*t).namespace == ns).collect();
            if roots.is_empty() {
                continue;
            }
            let mut set = closure(model, &contained, &derived, &roots);
            // The types the paths stand on and those that declare their navigation properties.
            let path_types: Vec<TypeId> = crate::model::prune::container_paths(model, &edges, ns)
                .iter()
                .flat_map(|path| path.types().chain(path.steps.iter().map(|s| s.owner)).collect::<Vec<_>>())
                .collect();
            structural(model, &derived, &path_types, &mut set);
            units.push((Origin::Namespace(ns), set));
        }
        if let Some(c) = &model.container {
            let children = c.entity_sets.iter().map(|s| (s, false)).chain(c.singletons.iter().map(|s| (s, true)));
            for (child, singleton) in children {
                // An entity set or singleton holds its type or any type derived from it.
                let mut roots = vec![child.ty];
                roots.extend(derived.of(child.ty));
                let set = closure(model, &contained, &derived, &roots);
                units.push((Origin::Area { name: &child.name, singleton }, set));
            }
        }

        let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (u, (_, set)) in units.iter().enumerate() {
            for (t, &inside) in set.iter().enumerate() {
                if inside {
                    users[t].push(u);
                }
            }
        }
        // Every unit so far is a namespace or an area; a type they all need is shared.
        let all = units.len();
        // Types no unit reaches: one feature per namespace that has any.
        let mut unreached: BTreeMap<&str, Vec<bool>> = BTreeMap::new();
        for (t, u) in users.iter().enumerate() {
            if u.is_empty() {
                let ns = model.types[t].namespace.as_ref();
                unreached.entry(ns).or_insert_with(|| vec![false; n])[t] = true;
            }
        }
        for (ns, set) in unreached {
            // Their closure is computed like any other, so what they hold is compiled too.
            let roots: Vec<TypeId> = type_ids(model).filter(|t| set[t.0 as usize]).collect();
            let set = closure(model, &contained, &derived, &roots);
            for (t, &inside) in set.iter().enumerate() {
                if inside {
                    users[t].push(units.len());
                }
            }
            units.push((Origin::Unreached(ns), set));
        }

        // Names: areas keep the kebab-case of their name; a namespace whose name an area
        // takes is suffixed with `-namespace`; the rest of a clash is broken by order.
        let mut wanted: Vec<(String, String)> = units
            .iter()
            .map(|(o, _)| match o {
                Origin::Namespace(ns) => (kebab(&module_of(ns)), format!("the types of the namespace `{ns}`")),
                Origin::Area { name, singleton } => (
                    kebab(name),
                    format!(
                        "the {} `{name}`: its type and what it holds or contains",
                        if *singleton { "singleton" } else { "entity set" }
                    ),
                ),
                Origin::Unreached(ns) => (
                    format!("{}-unreached", kebab(&module_of(ns))),
                    format!(
                        "the types of `{ns}` that no entity set, singleton or other namespace reaches by value or containment"
                    ),
                ),
            })
            .collect();
        let area_names: BTreeSet<String> = units
            .iter()
            .zip(&wanted)
            .filter(|((o, _), _)| matches!(o, Origin::Area { .. }))
            .map(|(_, w)| w.0.clone())
            .collect();
        for ((o, _), w) in units.iter().zip(wanted.iter_mut()) {
            if !matches!(o, Origin::Area { .. }) && area_names.contains(&w.0) {
                w.0.push_str("-namespace");
            }
        }
        let mut order: Vec<usize> = (0..units.len()).collect();
        order.sort_by(|a, b| wanted[*a].cmp(&wanted[*b]));
        let mut taken = BTreeSet::from(["default".to_string(), "full".to_string()]);
        let mut final_names = vec![String::new(); units.len()];
        for &u in &order {
            let name = names::free_with(&wanted[u].0, "-", |n| taken.contains(n));
            taken.insert(name.clone());
            final_names[u] = name;
        }
        let mut sorted: Vec<usize> = (0..units.len()).collect();
        sorted.sort_by(|a, b| final_names[*a].cmp(&final_names[*b]));
        let mut index_of = vec![0u32; units.len()];
        for (i, &u) in sorted.iter().enumerate() {
            index_of[u] = i as u32;
        }
        let list = sorted
            .iter()
            .map(|&u| Feature { name: final_names[u].clone(), doc: std::mem::take(&mut wanted[u].1) })
            .collect();
        let gates = users
            .into_iter()
            .map(|u| {
                let real = u.iter().filter(|&&x| x < all).count();
                if (all > 0 && real == all) || u.len() > SHARED {
                    Vec::new()
                } else {
                    let mut g: Vec<u32> = u.into_iter().map(|u| index_of[u]).collect();
                    g.sort_unstable();
                    g
                }
            })
            .collect();
        Features { list, gates }
    }

    /// The features any of which compiles `t`; empty: always compiled.
    pub fn gate(&self, t: TypeId) -> &[u32] {
        &self.gates[t.0 as usize]
    }

    /// Whether `t` is compiled whenever `owner` is.
    pub fn implied(&self, owner: TypeId, t: TypeId) -> bool {
        let (o, g) = (self.gate(owner), self.gate(t));
        g.is_empty() || (!o.is_empty() && o.iter().all(|f| g.binary_search(f).is_ok()))
    }

    /// Feature names of a gate.
    pub fn names(&self, gate: &[u32]) -> Vec<&str> {
        gate.iter().map(|&i| self.list[i as usize].name.as_str()).collect()
    }
}

fn kebab(s: &str) -> String {
    let k = crate::plan::names::bare(s).to_kebab_case();
    if k.is_empty() {
        "unnamed".into()
    } else {
        k
    }
}

fn type_ids(model: &Model) -> impl Iterator<Item = TypeId> {
    (0..model.types.len() as u32).map(TypeId)
}

/// Per type: the targets of its containment navigation properties, declared or inherited.
fn containment_edges(model: &Model) -> Vec<Vec<TypeId>> {
    type_ids(model)
        .map(|t| {
            model.all_navigation(t).into_iter().filter(|(_, n)| n.contains_target).map(|(_, n)| n.target).collect()
        })
        .collect()
}

/// The types derived from each type, except from a universal base: a type that more than a
/// quarter of all types derive from (Graph's `entity`). A property, containment or set of such
/// a type could hold anything; pulling everything in would make every feature the whole
/// schema, so its derived types keep their own features (off, a value is read as the base).
struct Derived(Vec<Vec<TypeId>>);

impl Derived {
    fn new(model: &Model) -> Derived {
        let limit = model.types.len() / 4;
        Derived(
            type_ids(model)
                .map(|t| {
                    let all = model.all_derived(t);
                    if all.len() > limit {
                        Vec::new()
                    } else {
                        all
                    }
                })
                .collect(),
        )
    }

    fn of(&self, t: TypeId) -> &[TypeId] {
        &self.0[t.0 as usize]
    }
}

/// Everything a value of the roots can hold, by value or by containment, and what the
/// operations bound to those types take and return.
fn closure(model: &Model, contained: &[Vec<TypeId>], derived: &Derived, roots: &[TypeId]) -> Vec<bool> {
    let mut set = vec![false; model.types.len()];
    let mut queue: VecDeque<TypeId> = roots.iter().copied().collect();
    let mut operation_types = Vec::new();
    while let Some(t) = queue.pop_front() {
        if std::mem::replace(&mut set[t.0 as usize], true) {
            continue;
        }
        queue.extend(held(model, derived, t));
        for &c in &contained[t.0 as usize] {
            queue.push_back(c);
            queue.extend(derived.of(c).iter().copied());
        }
        for op in model.bound_to(t) {
            let uses = op.parameters.iter().map(|p| &p.ty).chain(op.return_type.iter().map(|r| &r.ty));
            operation_types.extend(uses.filter_map(|u| match u.target {
                Target::Named(x) => Some(x),
                Target::Primitive(_) => None,
            }));
        }
    }
    // An operation's types by value only: what they contain stays with their own area.
    structural(model, derived, &operation_types, &mut set);
    set
}

/// Adds the types a value of `roots` holds, not what they contain.
fn structural(model: &Model, derived: &Derived, roots: &[TypeId], set: &mut [bool]) {
    let mut queue: VecDeque<TypeId> = roots.iter().copied().collect();
    while let Some(t) = queue.pop_front() {
        if std::mem::replace(&mut set[t.0 as usize], true) {
            continue;
        }
        queue.extend(held(model, derived, t));
    }
}

/// The base types of `t` and the types of its structural properties with their derived types.
fn held(model: &Model, derived: &Derived, t: TypeId) -> Vec<TypeId> {
    let mut out = model.ancestors(t);
    for (_, p) in model.all_properties(t) {
        if let Target::Named(x) = p.ty.target {
            out.push(x);
            out.extend_from_slice(derived.of(x));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> (Model<'static>, Features) {
        let xml = include_bytes!("../../../tests/fixtures/codegen/features.xml");
        let (model, diags) = crate::load("features.xml", xml);
        assert!(!diags.has_errors(), "{diags:?}");
        let model = model.expect("fixture reads");
        let features = Features::new(&model, "fx.svc", |ns| crate::plan::module_name(ns, "fx.svc"));
        (model, features)
    }

    fn gate<'a>(model: &Model, f: &'a Features, name: &str) -> Vec<&'a str> {
        f.names(f.gate(model.lookup(name).unwrap_or_else(|| panic!("{name} is in the fixture"))))
    }

    #[test]
    fn a_namespace_holds_the_types_its_container_paths_stand_on() {
        // `hub` inherits the navigation into `r` from `base`: the `r` feature must compile `hub`
        // (the path starts there) as well as `base` (which declares the navigation).
        let xml = crate::model::prune::tests::INHERITED_PATH;
        let (model, diags) = crate::load("inherited.xml", xml.as_bytes());
        assert!(!diags.has_errors(), "{diags:?}");
        let model = model.unwrap();
        let f = Features::new(&model, "s", |ns| crate::plan::module_name(ns, "s"));
        assert_eq!(gate(&model, &f, "s.hub"), ["hub", "r"]);
        assert_eq!(gate(&model, &f, "s.other"), ["others", "r"]);
    }

    #[test]
    fn one_feature_per_namespace_and_area() {
        let (_, f) = fixture();
        let names: Vec<&str> = f.list.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(
            names,
            ["call-records", "communications", "devices", "directory-objects", "me", "svc-unreached", "users"]
        );
    }

    #[test]
    fn types_are_compiled_by_the_units_that_hold_them() {
        let (m, f) = fixture();
        // Every namespace and area holds the base type: always compiled.
        assert!(gate(&m, &f, "fx.svc.entity").is_empty());
        // The namespace's own types, and the container path that leads to them.
        assert_eq!(gate(&m, &f, "fx.svc.callRecords.session"), ["call-records", "communications"]);
        // A user's bound function returns call records: the users areas hold them by value
        // (not what they contain: sessions stay with callRecords).
        assert_eq!(
            gate(&m, &f, "fx.svc.callRecords.callRecord"),
            ["call-records", "communications", "directory-objects", "me", "users"]
        );
        assert_eq!(gate(&m, &f, "fx.svc.cloudCommunications"), ["call-records", "communications"]);
        // Contained entities belong to their container's area; a set holds derived types.
        assert_eq!(gate(&m, &f, "fx.svc.presence"), ["communications"]);
        assert_eq!(gate(&m, &f, "fx.svc.message"), ["directory-objects", "me", "users"]);
        assert_eq!(gate(&m, &f, "fx.svc.user"), ["directory-objects", "me", "users"]);
        assert_eq!(gate(&m, &f, "fx.svc.device"), ["devices", "directory-objects"]);
        // A complex type several areas hold, with what it holds.
        let shared = ["call-records", "communications", "directory-objects", "me", "users"];
        assert_eq!(gate(&m, &f, "fx.svc.identitySet"), shared);
        assert_eq!(gate(&m, &f, "fx.svc.identity"), shared);
        // What nothing reaches has a feature of its own.
        assert_eq!(gate(&m, &f, "fx.svc.lonely"), ["svc-unreached"]);
    }

    #[test]
    fn references_carry_the_condition_of_what_they_name() {
        let (m, f) = fixture();
        let id = |n: &str| m.lookup(n).expect("in the fixture");
        // Structural properties and containment are always compiled with their owner.
        assert!(f.implied(id("fx.svc.callRecords.callRecord"), id("fx.svc.identitySet")));
        assert!(f.implied(id("fx.svc.user"), id("fx.svc.message")));
        // A user's manager is a directoryObject, compiled whenever a user is.
        assert!(f.implied(id("fx.svc.user"), id("fx.svc.directoryObject")));
        // Devices are another area: the navigation property needs their feature.
        assert!(!f.implied(id("fx.svc.user"), id("fx.svc.device")));
        // The always-compiled base does not imply its derived types.
        assert!(!f.implied(id("fx.svc.entity"), id("fx.svc.user")));
    }
}

//! `prune`: the closure of one namespace. Every type of the namespace and of its operations,
//! then transitively every type reached through properties, navigation properties, base types
//! and (for types reached by reference, not only as a base) derived types; plus the container
//! paths that lead to the namespace's entities, with only the navigation properties on them.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::*;

/// Why a namespace could not be pruned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PruneError(pub String);

impl std::fmt::Display for PruneError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PruneError {}

/// How much of a type is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Every member.
    Full,
    /// Only the key and the named navigation properties (a type on a container path).
    Path,
}

/// The closure of `namespace` in `model`, as a model of its own.
pub fn prune<'s>(model: &Model<'s>, namespace: &str) -> Result<Model<'s>, PruneError> {
    if !model.schemas.iter().any(|s| s.namespace == namespace) {
        let known: Vec<&str> = model.schemas.iter().map(|s| &*s.namespace).collect();
        return Err(PruneError(format!("no namespace {namespace} in the document (it has: {})", known.join(", "))));
    }
    let mut full: BTreeSet<TypeId> = BTreeSet::new();
    let mut expanded: BTreeSet<TypeId> = BTreeSet::new();
    let mut queue: VecDeque<(TypeId, bool)> = VecDeque::new();

    let ops: Vec<OpId> = (0..model.operations.len() as u32)
        .map(OpId)
        .filter(|&o| {
            let op = &model.operations[o.0 as usize];
            op.namespace == namespace
                || matches!(op.binding(), Some(TypeUse { target: Target::Named(t), .. }) if model.ty(*t).namespace == namespace)
        })
        .collect();
    for (i, t) in model.types.iter().enumerate() {
        if t.namespace == namespace {
            queue.push_back((TypeId(i as u32), true));
        }
    }
    for &o in &ops {
        let op = &model.operations[o.0 as usize];
        let uses = op.parameters.iter().map(|p| &p.ty).chain(op.return_type.iter().map(|r| &r.ty));
        for u in uses {
            if let Target::Named(t) = u.target {
                queue.push_back((t, true));
            }
        }
    }
    while let Some((t, by_reference)) = queue.pop_front() {
        let first_visit = full.insert(t);
        let expand = by_reference && expanded.insert(t);
        if first_visit {
            if let Some(s) = model.ty(t).structured() {
                if let Some(b) = s.base {
                    queue.push_back((b, false));
                }
                let uses = s.properties.iter().filter_map(|p| match p.ty.target {
                    Target::Named(x) => Some(x),
                    Target::Primitive(_) => None,
                });
                queue.extend(uses.chain(s.navigation.iter().map(|n| n.target)).map(|x| (x, true)));
            }
        }
        if expand {
            // Reached by reference: any derived type may stand where this one is declared.
            queue.extend(model.derived[t.0 as usize].iter().map(|&d| (d, true)));
        }
    }

    // Container paths: from each entity set and singleton, the shortest path of navigation
    // properties (containment first) to an entity type of the namespace.
    let mut path_navs: BTreeMap<TypeId, BTreeSet<String>> = BTreeMap::new();
    let mut kept_children: BTreeSet<String> = BTreeSet::new();
    // The types a container path goes through (a navigation may be declared on a base type of
    // the one the path stands on, so these are not always the owners).
    let mut traversed: Vec<TypeId> = Vec::new();
    if let Some(c) = &model.container {
        let own = c.entity_sets.iter().chain(&c.singletons).filter(|s| model.ty(s.ty).namespace == namespace);
        kept_children.extend(own.map(|s| s.name.to_string()));
        for path in container_paths(model, &NavigationEdges::new(model), namespace) {
            kept_children.insert(path.child.to_string());
            traversed.extend(path.types());
            for step in path.steps {
                path_navs.entry(step.owner).or_default().insert(step.navigation);
            }
        }
    }
    let mut keep: BTreeMap<TypeId, Keep> = full.iter().map(|&t| (t, Keep::Full)).collect();
    for &t in path_navs.keys().chain(&traversed) {
        keep.entry(t).or_insert(Keep::Path);
        for a in model.ancestors(t) {
            keep.entry(a).or_insert(Keep::Path);
        }
    }
    // Path types keep their key properties, whose types must then be kept too.
    let path_types: Vec<TypeId> = keep.iter().filter(|(_, k)| **k == Keep::Path).map(|(t, _)| *t).collect();
    for t in path_types {
        if let Some(s) = model.ty(t).structured() {
            for p in &s.properties {
                if is_key(model, t, &p.name) {
                    if let Target::Named(x) = p.ty.target {
                        keep.entry(x).or_insert(Keep::Full);
                    }
                }
            }
        }
    }
    Ok(build(model, namespace, &keep, &path_navs, &ops, &kept_children))
}

/// How one entity set or singleton reaches a namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerPath<'m> {
    /// The entity set or singleton.
    pub child: &'m str,
    /// Its type, where the path starts.
    pub start: TypeId,
    /// The navigation properties followed, in order.
    pub steps: Vec<PathStep>,
}

/// One navigation property on a [`ContainerPath`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathStep {
    /// The type that declares the navigation property: the type the step stands on or one of
    /// its base types.
    pub owner: TypeId,
    /// The navigation property's name.
    pub navigation: String,
    /// The type the step arrives at.
    pub target: TypeId,
}

impl ContainerPath<'_> {
    /// The types the path stands on: its start and each step's target.
    pub fn types(&self) -> impl Iterator<Item = TypeId> + '_ {
        std::iter::once(self.start).chain(self.steps.iter().map(|s| s.target))
    }
}

/// From each entity set and singleton whose type is outside `namespace`, the shortest path of
/// navigation properties (containment first) to an entity type of the namespace; children with
/// no path are left out.
pub fn container_paths<'m>(model: &'m Model<'_>, edges: &NavigationEdges, namespace: &str) -> Vec<ContainerPath<'m>> {
    let Some(c) = &model.container else { return Vec::new() };
    c.entity_sets
        .iter()
        .chain(&c.singletons)
        .filter(|child| model.ty(child.ty).namespace != namespace)
        .filter_map(|child| {
            let steps = shortest_path(model, edges, child.ty, namespace, true)
                .or_else(|| shortest_path(model, edges, child.ty, namespace, false))?;
            Some(ContainerPath { child: &child.name, start: child.ty, steps })
        })
        .collect()
}

fn is_key(model: &Model, t: TypeId, name: &str) -> bool {
    model.key(t).is_some_and(|k| k.iter().any(|p| p == name))
}

/// Navigation edges of every type, declared and inherited, computed once for all searches:
/// (owner type, navigation index, target, contained).
pub struct NavigationEdges(Vec<Vec<(TypeId, usize, TypeId, bool)>>);

impl NavigationEdges {
    /// The edges of every type of `model`.
    pub fn new(model: &Model) -> NavigationEdges {
        NavigationEdges(
            (0..model.types.len() as u32)
                .map(|i| {
                    let id = TypeId(i);
                    let mut out = Vec::new();
                    for owner in model.ancestors(id).into_iter().rev().chain([id]) {
                        if let Some(s) = model.ty(owner).structured() {
                            out.extend(
                                s.navigation.iter().enumerate().map(|(k, n)| (owner, k, n.target, n.contains_target)),
                            );
                        }
                    }
                    out
                })
                .collect(),
        )
    }
}

/// Breadth-first search over navigation properties (declared or inherited) from `start`
/// to any entity type of `namespace`.
fn shortest_path(
    model: &Model,
    edges: &NavigationEdges,
    start: TypeId,
    namespace: &str,
    contained_only: bool,
) -> Option<Vec<PathStep>> {
    // prev[t] = (from, owner, navigation index) of the edge that first reached t.
    let mut prev: Vec<Option<(TypeId, TypeId, usize)>> = vec![None; model.types.len()];
    let mut queue = VecDeque::from([start]);
    let mut seen = vec![false; model.types.len()];
    seen[start.0 as usize] = true;
    while let Some(t) = queue.pop_front() {
        for &(owner, k, next, contained) in &edges.0[t.0 as usize] {
            if (contained_only && !contained) || seen[next.0 as usize] {
                continue;
            }
            seen[next.0 as usize] = true;
            prev[next.0 as usize] = Some((t, owner, k));
            if model.ty(next).namespace == namespace {
                let mut path = Vec::new();
                let mut cur = next;
                while let Some((from, owner, k)) = prev[cur.0 as usize] {
                    let navigation =
                        model.ty(owner).structured().map(|s| s.navigation[k].name.to_string()).unwrap_or_default();
                    path.push(PathStep { owner, navigation, target: cur });
                    cur = from;
                }
                path.reverse();
                return Some(path);
            }
            queue.push_back(next);
        }
    }
    None
}

fn build<'s>(
    model: &Model<'s>,
    namespace: &str,
    keep: &BTreeMap<TypeId, Keep>,
    path_navs: &BTreeMap<TypeId, BTreeSet<String>>,
    ops: &[OpId],
    kept_children: &BTreeSet<String>,
) -> Model<'s> {
    let mut out = Model { version: model.version.clone(), references: model.references.clone(), ..Default::default() };
    let remap: BTreeMap<TypeId, TypeId> = keep.keys().enumerate().map(|(i, &t)| (t, TypeId(i as u32))).collect();
    let map_use = |u: &TypeUse| TypeUse {
        collection: u.collection,
        target: match &u.target {
            Target::Named(t) => Target::Named(remap[t]),
            p => p.clone(),
        },
    };
    for (&old, &k) in keep {
        let def = model.ty(old);
        let kind = match &def.kind {
            TypeKind::Structured(s) => {
                let properties = s
                    .properties
                    .iter()
                    .filter(|p| k == Keep::Full || is_key_declared(s, &p.name))
                    .map(|p| Property { ty: map_use(&p.ty), ..p.clone() })
                    .collect();
                let navs = path_navs.get(&old);
                let navigation = s
                    .navigation
                    .iter()
                    .filter(|n| {
                        if k == Keep::Full {
                            keep.contains_key(&n.target)
                        } else {
                            navs.is_some_and(|ns| ns.contains(&*n.name))
                        }
                    })
                    .map(|n| NavigationProperty { target: remap[&n.target], ..n.clone() })
                    .collect();
                TypeKind::Structured(Structured {
                    base: s.base.map(|b| remap[&b]),
                    properties,
                    navigation,
                    ..s.clone()
                })
            }
            other => other.clone(),
        };
        out.by_name.entry(def.namespace.clone()).or_default().insert(def.name.clone(), remap[&old]);
        out.types.push(TypeDef { kind, ..def.clone() });
    }
    let mut namespaces: BTreeSet<&str> = out.types.iter().map(|t| &*t.namespace).collect();
    namespaces.insert(namespace);
    for &o in ops {
        let op = &model.operations[o.0 as usize];
        namespaces.insert(&op.namespace);
        out.operations.push(Operation {
            parameters: op.parameters.iter().map(|p| Parameter { ty: map_use(&p.ty), ..p.clone() }).collect(),
            return_type: op.return_type.as_ref().map(|r| ReturnType { ty: map_use(&r.ty), facets: r.facets.clone() }),
            ..op.clone()
        });
    }
    out.terms = model.terms.iter().filter(|t| t.namespace == namespace).cloned().collect();
    if let Some(c) = &model.container {
        let map_set = |s: &EntitySet<'s>| EntitySet {
            ty: remap[&s.ty],
            bindings: s
                .bindings
                .iter()
                .filter(|(path, target)| {
                    kept_children.contains(&**target)
                        && binding_kept(&out_nav_names(model, s.ty, keep, path_navs), path)
                })
                .cloned()
                .collect(),
            ..s.clone()
        };
        let entity_sets: Vec<EntitySet<'s>> =
            c.entity_sets.iter().filter(|s| kept_children.contains(&*s.name)).map(map_set).collect();
        let singletons: Vec<EntitySet<'s>> =
            c.singletons.iter().filter(|s| kept_children.contains(&*s.name)).map(map_set).collect();
        if !entity_sets.is_empty() || !singletons.is_empty() {
            namespaces.insert(&c.namespace);
            out.container = Some(Container {
                namespace: c.namespace.clone(),
                name: c.name.clone(),
                entity_sets,
                singletons,
                imports: Vec::new(),
                annotations: c.annotations.clone(),
            });
        }
    }
    out.schemas = model.schemas.iter().filter(|s| namespaces.contains(&*s.namespace)).cloned().collect();
    out.rebuild_indexes();
    out
}

fn is_key_declared(s: &Structured, name: &str) -> bool {
    s.key.as_ref().is_some_and(|k| k.iter().any(|(n, _)| n == name))
}

/// Names of the navigation properties a kept entity type still has.
fn out_nav_names(
    model: &Model,
    t: TypeId,
    keep: &BTreeMap<TypeId, Keep>,
    path_navs: &BTreeMap<TypeId, BTreeSet<String>>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (owner, nav) in model.all_navigation(t) {
        let kept = match keep.get(&owner) {
            Some(Keep::Full) => keep.contains_key(&nav.target),
            Some(Keep::Path) => path_navs.get(&owner).is_some_and(|n| n.contains(&*nav.name)),
            None => false,
        };
        if kept {
            out.insert(nav.name.to_string());
        }
    }
    out
}

fn binding_kept(navs: &BTreeSet<String>, path: &str) -> bool {
    // A binding path may go through a type cast or a complex property; its first segment
    // names the navigation property or the property that leads to it.
    let first = path.split('/').next().unwrap_or(path);
    navs.contains(first)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A singleton whose type inherits the navigation that leads into the namespace.
    pub(crate) const INHERITED_PATH: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="s" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="base" Abstract="true"><Key><PropertyRef Name="id" /></Key>
    <Property Name="id" Type="Edm.String" Nullable="false" />
    <NavigationProperty Name="records" Type="Collection(r.record)" ContainsTarget="true" /></EntityType>
  <EntityType Name="hub" BaseType="s.base"><Property Name="extra" Type="Edm.String" /></EntityType>
  <EntityType Name="other" BaseType="s.base" />
  <EntityContainer Name="c"><Singleton Name="hub" Type="s.hub" /><EntitySet Name="others" EntityType="s.other" /></EntityContainer>
</Schema>
<Schema Namespace="r" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="record"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
</Schema>
</edmx:DataServices></edmx:Edmx>"#;

    #[test]
    fn a_container_path_through_an_inherited_navigation_keeps_the_types_it_goes_through() {
        let (model, diags) = crate::load("inherited.xml", INHERITED_PATH.as_bytes());
        assert!(!diags.has_errors(), "{diags:?}");
        let pruned = prune(&model.unwrap(), "r").unwrap();
        let names: Vec<String> = pruned.types.iter().map(TypeDef::qualified).collect();
        assert_eq!(names, ["s.base", "s.hub", "s.other", "r.record"]);
        let kept = |name: &str| pruned.ty(pruned.lookup(name).unwrap()).structured().unwrap();
        // The path types keep their key and the navigation on the path, nothing else.
        assert_eq!(kept("s.base").properties.iter().map(|p| &*p.name).collect::<Vec<_>>(), ["id"]);
        assert_eq!(kept("s.base").navigation.iter().map(|n| &*n.name).collect::<Vec<_>>(), ["records"]);
        assert!(kept("s.hub").properties.is_empty());
        assert_eq!(kept("s.hub").base, pruned.lookup("s.base"));
        let c = pruned.container.as_ref().unwrap();
        assert_eq!(c.singletons.iter().map(|s| &*s.name).collect::<Vec<_>>(), ["hub"]);
        assert_eq!(c.entity_sets.iter().map(|s| &*s.name).collect::<Vec<_>>(), ["others"]);

        // And the client reaches the namespace through it.
        let options = crate::Options {
            namespace: Some("r".into()),
            crate_options: crate::emit::CrateOptions::new("inherited", "../runtime", true),
        };
        let generated = crate::generate("inherited.xml", INHERITED_PATH.as_bytes(), &options).unwrap();
        let client: String =
            generated.files.iter().filter(|(p, _)| p.contains("client")).map(|(_, t)| t.as_str()).collect();
        assert!(client.contains("pub fn records("), "no path to the records");
    }
}

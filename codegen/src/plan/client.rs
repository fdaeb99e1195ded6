//! Client decisions: how a key is written and what its key method takes, what a service
//! serves on the paths of an entity type (its Capabilities restrictions), and the key syntax
//! of the service.

use crate::diag::{Diagnostic, Severity};
use crate::model::{Expr, Model, Target, TypeId, TypeKind, TypeUse};

use super::names;

/// `Org.OData.Capabilities.V1.KeyAsSegmentSupported`.
pub const KEY_AS_SEGMENT: &str = "Org.OData.Capabilities.V1.KeyAsSegmentSupported";

/// How one key part is written as a URL literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyLiteral {
    /// A primitive (also the underlying type of a type definition): the Rust type path, which
    /// implements `odata_runtime::client::Literal`.
    Primitive(&'static str),
    /// An enum member, written `Namespace.Type'member'`.
    Enum(TypeId),
}

/// One part of an entity type's key, in key order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPart {
    /// Name in the key predicate: the alias, or else the property path.
    pub name: String,
    /// The key method's parameter (snake case, unique, never `self`).
    pub param: String,
    /// How the value is written.
    pub literal: KeyLiteral,
    /// Whether the value is a string, written bare (percent-encoded, no quotes) as a key segment.
    pub string: bool,
}

/// The key of an entity type as its key method takes it; `Err` says why no key method can
/// take it (a key property whose type has no URL literal, or a path that leads nowhere).
pub fn key_parts(model: &Model, id: TypeId) -> Result<Option<Vec<KeyPart>>, String> {
    let Some(key) = std::iter::once(id)
        .chain(model.ancestors(id))
        .find_map(|t| model.ty(t).structured().and_then(|s| s.key.clone()))
    else {
        return Ok(None);
    };
    let mut parts = Vec::new();
    for (path, alias) in &key {
        let ty = property_at(model, id, path).ok_or_else(|| format!("key property `{path}` is not found"))?;
        let literal = match &ty {
            TypeUse { collection: false, target: Target::Primitive(p) } => {
                KeyLiteral::Primitive(super::primitive(p)).checked(p)?
            }
            TypeUse { collection: false, target: Target::Named(t) } => match &model.ty(*t).kind {
                TypeKind::Enum(_) => KeyLiteral::Enum(*t),
                TypeKind::Definition { underlying, .. } => {
                    KeyLiteral::Primitive(super::primitive(underlying)).checked(underlying)?
                }
                TypeKind::Structured(_) => return Err(format!("key property `{path}` is structured")),
            },
            _ => return Err(format!("key property `{path}` is a collection")),
        };
        let string = literal == KeyLiteral::Primitive("::std::string::String");
        let name = alias.as_deref().unwrap_or(path).to_string();
        parts.push((name, literal, string));
    }
    // Parameters in key order: the alias or the path (`a/b` -> `a_b`) in snake case, each one
    // free of the others and of `self`.
    let mut taken: Vec<String> = vec!["self".to_string()];
    let mut out = Vec::new();
    for (name, literal, string) in parts {
        let param = names::free(&names::snake(&name.replace('/', "_")), true, |n| taken.iter().any(|t| t == n));
        taken.push(names::bare(&param).to_string());
        out.push(KeyPart { param, name, literal, string });
    }
    Ok(Some(out))
}

impl KeyLiteral {
    fn checked(self, edm: &str) -> Result<KeyLiteral, String> {
        match self {
            KeyLiteral::Primitive("::odata_runtime::serde_json::Value") => Err(format!("Edm.{edm} has no URL literal")),
            other => Ok(other),
        }
    }
}

/// The type of the structural property at `path` (`a/b` through complex properties).
fn property_at(model: &Model, id: TypeId, path: &str) -> Option<TypeUse> {
    let mut owner = id;
    let mut segments = path.split('/').peekable();
    while let Some(seg) = segments.next() {
        let (_, p) = model.all_properties(owner).into_iter().find(|(_, p)| &*p.name == seg)?;
        if segments.peek().is_none() {
            return Some(p.ty.clone());
        }
        match p.ty {
            TypeUse { collection: false, target: Target::Named(t) } => owner = t,
            _ => return None,
        }
    }
    None
}

/// What the client offers on the paths of an entity type, from the service's Capabilities
/// restrictions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    /// `create` on collections.
    pub insert: bool,
    /// `update` and `replace` on items.
    pub update: bool,
    /// `delete` on items.
    pub delete: bool,
    /// `count()` on collections.
    pub count: bool,
    /// `get()` on items (`ReadRestrictions/ReadByKeyRestrictions/Readable`, else
    /// `ReadRestrictions/Readable`).
    pub read: bool,
    /// `list()` on collections (`ReadRestrictions/Readable`).
    pub list: bool,
    /// What the service forbids on one entity and the client leaves out (update, delete), one
    /// sentence each, for the docs.
    pub left_out_item: Vec<String>,
    /// What the service forbids on a collection (create, count, filtering and sorting by some
    /// properties), likewise.
    pub left_out_collection: Vec<String>,
    /// Properties no collection of the type can be filtered by
    /// (`FilterRestrictions/NonFilterableProperties`, or `Filterable` false): they get no
    /// typed filter operand.
    pub non_filterable: std::collections::BTreeSet<String>,
    /// Properties no collection of the type can be sorted by
    /// (`SortRestrictions/NonSortableProperties`, or `Sortable` false).
    pub non_sortable: std::collections::BTreeSet<String>,
    /// Navigation properties no collection of the type can expand
    /// (`ExpandRestrictions/NonExpandableProperties`, or `Expandable` false).
    pub non_expandable: std::collections::BTreeSet<String>,
}

/// One way the service reaches entities of a type: an entity set, a singleton, or a
/// navigation property; with where its restrictions are read, the most specific first.
struct AccessPoint<'m, 's> {
    /// How the docs name it: `entity set Orders`, `navigation property Customer/Orders`.
    name: String,
    /// Whether it is a collection (a singleton or a single-valued navigation is not: it has no
    /// insert, delete or count).
    collection: bool,
    /// An entity set or singleton of the container, not a navigation property.
    declared: bool,
    /// Restriction records by term, the most specific source first.
    sources: Vec<Source<'m, 's>>,
}

/// Where restrictions of an access point are written.
enum Source<'m, 's> {
    /// Annotations of the element (`Capabilities.InsertRestrictions`, ...).
    Annotations(&'m crate::model::Annotations<'s>),
    /// One `NavigationRestrictions/RestrictedProperties` record, whose properties are the
    /// restrictions (`InsertRestrictions`, ...).
    Restricted(&'m crate::model::Record<'s>),
}

impl<'m, 's> Source<'m, 's> {
    /// The record of restriction `term` (`InsertRestrictions`, ...), if this source has one.
    fn record(&self, term: &str) -> Option<&'m crate::model::Record<'s>> {
        match self {
            Source::Annotations(a) => match &a.get(&format!("Org.OData.Capabilities.V1.{term}"))?.value {
                Some(Expr::Record(r)) => Some(r),
                _ => None,
            },
            Source::Restricted(r) => match &r.properties.iter().find(|p| &*p.property == term)?.value {
                Expr::Record(r) => Some(r),
                _ => None,
            },
        }
    }
}

impl AccessPoint<'_, '_> {
    /// Whether restriction `term` leaves `property` true (the default) here: the most specific
    /// source that has the term decides.
    fn allows(&self, term: &str, property: &str) -> bool {
        let Some(record) = self.sources.iter().find_map(|s| s.record(term)) else { return true };
        !record.properties.iter().any(|p| &*p.property == property && matches!(p.value, Expr::Bool(false)))
    }

    /// Whether one entity can be read here: `ReadRestrictions/ReadByKeyRestrictions/Readable`
    /// of a collection when it says, else `ReadRestrictions/Readable`.
    fn allows_read_by_key(&self) -> bool {
        let by_key = self.sources.iter().find_map(|s| s.record("ReadRestrictions")).and_then(|r| {
            match &r.properties.iter().find(|p| &*p.property == "ReadByKeyRestrictions")?.value {
                Expr::Record(inner) => inner.properties.iter().find(|p| &*p.property == "Readable").map(|p| &p.value),
                _ => None,
            }
        });
        match by_key {
            Some(value) if self.collection => !matches!(value, Expr::Bool(false)),
            _ => self.allows("ReadRestrictions", "Readable"),
        }
    }

    /// The properties restriction `term` excludes here: those its `list` names (property
    /// paths of one segment), or `None` for all of them when its `whole` flag is false.
    fn excluded(&self, term: &str, whole: &str, list: &str) -> Option<Vec<String>> {
        let Some(record) = self.sources.iter().find_map(|s| s.record(term)) else { return Some(Vec::new()) };
        if record.properties.iter().any(|p| &*p.property == whole && matches!(p.value, Expr::Bool(false))) {
            return None;
        }
        let names = record
            .properties
            .iter()
            .filter(|p| &*p.property == list)
            .flat_map(|p| match &p.value {
                Expr::Collection(items) => items.as_slice(),
                _ => &[],
            })
            .filter_map(|e| match e {
                Expr::Path(_, path) | Expr::String(path) if !path.contains('/') => Some(path.to_string()),
                _ => None,
            })
            .collect();
        Some(names)
    }
}

/// The properties of `names` that every collection access point excludes under restriction
/// `term` (all of `names` where one excludes them all).
fn excluded_everywhere(
    points: &[&AccessPoint],
    names: &[String],
    term: &str,
    whole: &str,
    list: &str,
) -> std::collections::BTreeSet<String> {
    if points.is_empty() {
        return Default::default();
    }
    names
        .iter()
        .filter(|n| {
            points.iter().all(|p| match p.excluded(term, whole, list) {
                None => true,
                Some(excluded) => excluded.contains(n),
            })
        })
        .cloned()
        .collect()
}

/// The `NavigationRestrictions/RestrictedProperties` record for navigation property `name` in
/// `annotations`, if there is one.
fn restricted<'m, 's>(
    annotations: &'m crate::model::Annotations<'s>,
    name: &str,
) -> Option<&'m crate::model::Record<'s>> {
    let Some(Expr::Record(r)) = &annotations.get("Org.OData.Capabilities.V1.NavigationRestrictions")?.value else {
        return None;
    };
    let Expr::Collection(items) = &r.properties.iter().find(|p| &*p.property == "RestrictedProperties")?.value else {
        return None;
    };
    items.iter().find_map(|item| match item {
        Expr::Record(rec)
            if rec.properties.iter().any(|p| {
                &*p.property == "NavigationProperty"
                    && matches!(&p.value, Expr::Path(_, path) if path.rsplit('/').next() == Some(name))
            }) =>
        {
            Some(rec)
        }
        _ => None,
    })
}

/// Every way the service reaches entities of type `id`.
fn access_points<'m, 's>(model: &'m Model<'s>, id: TypeId) -> Vec<AccessPoint<'m, 's>> {
    let mut points = Vec::new();
    if let Some(c) = &model.container {
        let sets = c.entity_sets.iter().map(|s| (s, "entity set", true));
        let singletons = c.singletons.iter().map(|s| (s, "singleton", false));
        for (s, kind, collection) in sets.chain(singletons).filter(|(s, ..)| s.ty == id) {
            points.push(AccessPoint {
                name: format!("{kind} `{}`", s.name),
                collection,
                declared: true,
                sources: vec![Source::Annotations(&s.annotations)],
            });
        }
    }
    for (i, t) in model.types.iter().enumerate() {
        let Some(st) = t.structured() else { continue };
        for n in st.navigation.iter().filter(|n| n.target == id) {
            let owner = TypeId(i as u32);
            // Restrictions of the navigation from the sets and singletons of its owner (or of
            // a type derived from it), then the property's own annotations (path targets are
            // attached there first).
            let mut sources: Vec<Source> = Vec::new();
            if let Some(c) = &model.container {
                // By name, so that the document's order does not matter.
                let mut starts: Vec<_> = c.entity_sets.iter().chain(&c.singletons).collect();
                starts.sort_by(|a, b| a.name.cmp(&b.name));
                for s in starts {
                    let reaches = s.ty == owner || model.ancestors(s.ty).contains(&owner);
                    if let (true, Some(r)) = (reaches, restricted(&s.annotations, &n.name)) {
                        sources.push(Source::Restricted(r));
                    }
                }
            }
            if let Some(r) = restricted(&t.annotations, &n.name) {
                sources.push(Source::Restricted(r));
            }
            sources.push(Source::Annotations(&n.annotations));
            points.push(AccessPoint {
                name: format!("navigation property `{}/{}`", t.name, n.name),
                collection: n.collection,
                declared: false,
                sources,
            });
        }
    }
    // By name, so that the document's order does not matter.
    points.sort_by(|a, b| a.name.cmp(&b.name));
    points
}

/// What the service allows on entities of type `id`, from `Capabilities` restrictions on
/// every way it reaches them (entity sets, singletons, navigation properties, through
/// `NavigationRestrictions/RestrictedProperties` and path targets): an operation is offered
/// when at least one of them allows it (`InsertRestrictions/Insertable`,
/// `UpdateRestrictions/Updatable`, `DeleteRestrictions/Deletable`,
/// `CountRestrictions/Countable`, `ReadRestrictions/Readable` with its
/// `ReadByKeyRestrictions`), and `delete` only where an entity can be removed from a
/// collection; a property is non-filterable, non-sortable or non-expandable when every
/// collection says so. A type the service reaches in no declared way keeps everything. With
/// `honour` false (a service whose annotations are wrong) everything is offered.
pub fn served(model: &Model, id: TypeId, honour: bool) -> Served {
    let points = access_points(model, id);
    if points.is_empty() || !honour {
        return Served {
            insert: true,
            update: true,
            delete: true,
            count: true,
            read: true,
            list: true,
            left_out_item: Vec::new(),
            left_out_collection: Vec::new(),
            non_filterable: Default::default(),
            non_sortable: Default::default(),
            non_expandable: Default::default(),
        };
    }
    let (mut left_out_item, mut left_out_collection) = (Vec::new(), Vec::new());
    // Whether an operation is offered: `None` when no access point of the kind exists. What is
    // forbidden is said on the item path (`on_item`) or on the collection path.
    let mut offered = |what: &str, term: &str, property: &str, collections_only: bool, on_item: bool| {
        let relevant: Vec<&AccessPoint> = points.iter().filter(|p| p.collection || !collections_only).collect();
        if relevant.is_empty() {
            return None;
        }
        if relevant.iter().any(|p| p.allows(term, property)) {
            return Some(true);
        }
        let names: Vec<&str> = relevant.iter().map(|p| p.name.as_str()).collect();
        let line = format!("{what}: the service forbids it (`{term}/{property}` false on {}).", names.join(", "));
        if on_item { &mut left_out_item } else { &mut left_out_collection }.push(line);
        Some(false)
    };
    // Without a collection: a type that sets and singletons do not hold keeps its writes (it
    // is reached in ways the document does not declare); one that only singletons hold has
    // nothing to create in or delete from.
    let undeclared = !points.iter().any(|p| p.declared);
    let insert = offered("`create`", "InsertRestrictions", "Insertable", true, false).unwrap_or(undeclared);
    let update = offered("`update` and `replace`", "UpdateRestrictions", "Updatable", false, true).unwrap_or(true);
    let delete = offered("`delete`", "DeleteRestrictions", "Deletable", true, true).unwrap_or(undeclared);
    let count = offered("`count`", "CountRestrictions", "Countable", true, false).unwrap_or(true);
    let list = offered("`list`", "ReadRestrictions", "Readable", true, false).unwrap_or(true);
    let read = points.iter().any(AccessPoint::allows_read_by_key);
    if !read {
        let names: Vec<&str> = points.iter().map(|p| p.name.as_str()).collect();
        left_out_item.push(format!(
            "`get`: the service forbids reading one entity (`ReadRestrictions` on {}).",
            names.join(", ")
        ));
    }
    let collections: Vec<&AccessPoint> = points.iter().filter(|p| p.collection).collect();
    let properties: Vec<String> = model.all_properties(id).into_iter().map(|(_, p)| p.name.to_string()).collect();
    let non_filterable =
        excluded_everywhere(&collections, &properties, "FilterRestrictions", "Filterable", "NonFilterableProperties");
    let non_sortable =
        excluded_everywhere(&collections, &properties, "SortRestrictions", "Sortable", "NonSortableProperties");
    let navigation: Vec<String> = model.all_navigation(id).into_iter().map(|(_, n)| n.name.to_string()).collect();
    let non_expandable =
        excluded_everywhere(&collections, &navigation, "ExpandRestrictions", "Expandable", "NonExpandableProperties");
    let quoted =
        |set: &std::collections::BTreeSet<String>| set.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    if !non_filterable.is_empty() {
        left_out_collection.push(format!(
            "typed filters on {}: the service cannot filter by them (`FilterRestrictions`).",
            quoted(&non_filterable)
        ));
    }
    if !non_sortable.is_empty() {
        left_out_collection.push(format!(
            "sorting by {}: the service cannot sort by them (`SortRestrictions`); do not pass them to `order_by`.",
            quoted(&non_sortable)
        ));
    }
    if !non_expandable.is_empty() {
        left_out_collection.push(format!(
            "expanding {}: the service cannot expand them (`ExpandRestrictions`); do not pass them to `expand`.",
            quoted(&non_expandable)
        ));
    }
    Served {
        insert,
        update,
        delete,
        count,
        read,
        list,
        left_out_item,
        left_out_collection,
        non_filterable,
        non_sortable,
        non_expandable,
    }
}

/// Whether the container says keys are path segments (`Capabilities.KeyAsSegmentSupported`).
pub fn key_as_segment(model: &Model) -> bool {
    model
        .container
        .as_ref()
        .is_some_and(|c| c.annotations.get(KEY_AS_SEGMENT).is_some_and(|a| !matches!(a.value, Some(Expr::Bool(false)))))
}

/// One warning per entity type whose key no key method can take.
pub fn warnings(model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, t) in model.types.iter().enumerate() {
        if t.structured().is_none_or(|s| s.key.is_none()) {
            continue;
        }
        if let Err(why) = key_parts(model, TypeId(i as u32)) {
            out.push(Diagnostic::unlocated(
                Severity::Warning,
                "",
                format!("{}: {why}; its collections have no key method", t.qualified()),
            ));
        }
    }
    out.sort_by(|a, b| a.message.cmp(&b.message));
    out
}

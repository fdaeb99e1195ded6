//! Client decisions: how a key is written and what its key method takes, which writes a
//! service allows on an entity type, and the key syntax of the service.

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

/// The writes the client offers on an entity type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Writes {
    /// `create` on collections.
    pub insert: bool,
    /// `update` and `replace` on items.
    pub update: bool,
    /// `delete` on items.
    pub delete: bool,
}

/// What the service allows on entities of type `id`: a write is left out when every entity set
/// of the type forbids it (`Capabilities.InsertRestrictions/Insertable`,
/// `UpdateRestrictions/Updatable`, `DeleteRestrictions/Deletable` false), and `delete` when
/// only singletons have the type. A type no set or singleton has (reached by navigation only)
/// keeps every write.
pub fn writes(model: &Model, id: TypeId) -> Writes {
    let Some(c) = &model.container else { return Writes { insert: true, update: true, delete: true } };
    let sets: Vec<_> = c.entity_sets.iter().filter(|s| s.ty == id).collect();
    let singletons: Vec<_> = c.singletons.iter().filter(|s| s.ty == id).collect();
    if sets.is_empty() && singletons.is_empty() {
        return Writes { insert: true, update: true, delete: true };
    }
    let allows = |a: &crate::model::Annotations, term: &str, prop: &str| {
        let Some(ann) = a.get(&format!("Org.OData.Capabilities.V1.{term}")) else { return true };
        match &ann.value {
            Some(Expr::Record(r)) => {
                !r.properties.iter().any(|p| &*p.property == prop && matches!(p.value, Expr::Bool(false)))
            }
            _ => true,
        }
    };
    Writes {
        insert: sets.iter().any(|s| allows(&s.annotations, "InsertRestrictions", "Insertable")),
        update: sets.iter().chain(&singletons).any(|s| allows(&s.annotations, "UpdateRestrictions", "Updatable")),
        delete: sets.iter().any(|s| allows(&s.annotations, "DeleteRestrictions", "Deletable")),
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
